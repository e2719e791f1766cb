/* Sidecar matcher (takeout-format.md §8.1/§8.2, rules 1-8) for one directory.
 *
 * Sidecar names are parsed once (counter, supplemental-metadata remnant,
 * 46-unit clipping) and indexed in hash tables; each media file then probes
 * the tables with the names Google would have produced for it, so rules 1-7
 * cost a bounded number of O(1) probes per file. Rule 8 (JSON titles) sorts
 * the leftovers and pairs equal keys in natural order: O(n log n).
 * Phases: rules 1-4 for every file, then 5-6, then 7 (which reads the stills
 * settled earlier), then 8, so a looser rule never steals a file's own
 * sidecar and the result does not depend on the input order. */
#include "index/sidecar.h"

#include "util/hash.h"
#include "util/ustr.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define SIDECAR_STEM_UNITS 46 /* Google cuts sidecar stems here (§2.4) */
#define MEDIA_STEM_UNITS   47 /* ... and media stems here (§2.6) */
#define FORGOTTEN_MAX_GAP  10 /* immich-go's bound for forgotten duplicates */
#define MAX_COUNTER_DIGITS 9
#define NO_COUNTER         (-1)
#define MAX_EDIT_TAIL      64 /* bytes: bounds the dash-prefix probes on hostile names */

static const char SUPPLEMENTAL[] = "supplemental-metadata";

const char *sc_rule_name(enum sc_rule rule)
{
	static const char *const names[SC_RULE_COUNT] = {
	    [SC_EXACT] = "exact",
	    [SC_COUNTER] = "counter",
	    [SC_TRUNCATED] = "truncated",
	    [SC_TITLE_COUNTER] = "title-counter",
	    [SC_NO_EXTENSION] = "no-extension",
	    [SC_EDITED] = "edited",
	    [SC_FORGOTTEN_DUPLICATE] = "forgotten-duplicate",
	    [SC_LIVE_PHOTO] = "live-photo",
	    [SC_TITLE] = "title",
	    [SC_COPY] = "copy",
	};
	if ((int)rule <= SC_NONE || (int)rule >= SC_RULE_COUNT)
		return NULL;
	return names[rule];
}

/* ---------------------------------------------------------------- strings */

struct slice {
	const char *p;
	size_t n;
};

static unsigned char lower_ascii(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t units_of(const char *p, size_t n)
{
	return ustr_utf16_len(p, n);
}

/* Bytes of the longest prefix within `units`, rounding a straddled surrogate pair down. */
static size_t clip_down(const char *p, size_t n, size_t units)
{
	return ustr_utf16_prefix(p, n, units);
}

/* Same, but a surrogate pair straddling the limit is kept whole (how Google
 * cut the emoji media name of §2.6 to 48 units). */
static size_t clip_up(const char *p, size_t n, size_t units)
{
	size_t b = ustr_utf16_prefix(p, n, units);
	if (b < n && units_of(p, b) < units)
		b = ustr_utf16_prefix(p, n, units + 1);
	return b;
}

/* Position of the last '.' in p[0..n), or n when there is none. */
static size_t last_dot(const char *p, size_t n)
{
	for (size_t i = n; i > 0; i--)
		if (p[i - 1] == '.')
			return i - 1;
	return n;
}

/* Parses a trailing "(digits)"; returns the counter and sets *body to the
 * length without it, or returns NO_COUNTER. */
static int64_t trailing_counter(const char *p, size_t n, size_t *body)
{
	*body = n;
	if (n < 3 || p[n - 1] != ')')
		return NO_COUNTER;
	size_t i = n - 1;
	while (i > 0 && is_digit(p[i - 1]))
		i--;
	size_t digits = n - 1 - i;
	if (digits == 0 || digits > MAX_COUNTER_DIGITS || i == 0 || p[i - 1] != '(')
		return NO_COUNTER;
	int64_t v = 0;
	for (size_t k = i; k < n - 1; k++)
		v = v * 10 + (p[k] - '0');
	*body = i - 1;
	return v;
}

static bool bytes_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t m = an < bn ? an : bn;
	int c = m ? memcmp(a, b, m) : 0;
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

/* True when p[0..n) is a (possibly empty) prefix of "supplemental-metadata". */
static bool is_supplemental_remnant(const char *p, size_t n)
{
	return n <= sizeof SUPPLEMENTAL - 1 && ustr_ascii_ieq(p, n, SUPPLEMENTAL, n);
}

/* ------------------------------------------------------------------ arena */

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct arena {
	struct arena_block *head;
};

static char *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	if (!b || b->cap - b->used < n) {
		/* Start small (most directories are small), then double. */
		size_t cap = b ? (b->cap < (1u << 20) ? b->cap * 2 : b->cap) : 4096;
		if (cap < n)
			cap = n;
		b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	char *p = b->data + b->used;
	b->used += n;
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

/* NFC copy of a name in the arena. ASCII (the common case) and names with
 * NUL bytes (fuzz only; the NFC API is NUL-terminated) are used as they are. */
static int normalize_name(struct arena *a, const char *p, size_t n, struct slice *out)
{
	bool plain = true;
	for (size_t i = 0; i < n && plain; i++)
		if ((unsigned char)p[i] >= 0x80)
			plain = false;
	if (plain || memchr(p, '\0', n)) {
		out->p = p;
		out->n = n;
		return 0;
	}
	char *nfc = ustr_nfc(p, n);
	if (!nfc)
		return -1;
	size_t len = strlen(nfc);
	char *copy = arena_alloc(a, len + 1);
	if (!copy) {
		free(nfc);
		return -1;
	}
	memcpy(copy, nfc, len + 1);
	free(nfc);
	out->p = copy;
	out->n = len;
	return 0;
}

/* ------------------------------------------------------------ hash tables */

/* A key is `main` compared bytewise, an optional extension compared
 * ASCII-case-insensitively, and a counter. The exact table puts the whole
 * name in `main`; the folded table splits at the last dot so that
 * P7040106.jpg finds P7040106.JPG.json (§2.10). */
struct key {
	struct slice main;
	struct slice ext;
	bool has_ext;
	int64_t counter;
};

enum form { FORM_LEGACY, FORM_NEW_FULL, FORM_NEW_CLIPPED, FORM_COUNT };
#define MASK_LEGACY  (1u << FORM_LEGACY)
#define MASK_FULL    ((1u << FORM_LEGACY) | (1u << FORM_NEW_FULL))
#define MASK_CLIPPED (1u << FORM_NEW_CLIPPED)

/* One distinct key and the best item under it per form (-1 when none). */
struct entry {
	struct key key;
	int best[FORM_COUNT];
};

/* Open addressing over 8-byte slots (32 hash bits, entry number + 1), so the
 * probed memory of a 20,000-file directory stays cache-sized. */
struct table {
	uint64_t *slots;
	struct entry *entries;
	size_t n_entries, mask;
	bool borrowed; /* the memory is the thread's (table_mem), not freed here */
};

/* A table's memory, kept per thread from one folder to the next: allocated
 * and freed per folder, a big folder's tables faulted their pages in afresh
 * each time (how often depended on glibc's mmap threshold). Index-time
 * memory: the worker threads end with the pass. */
struct table_mem {
	uint64_t *slots;
	struct entry *entries;
	size_t slots_cap, entries_cap;
};

#define THREAD_TABLES 4 /* exact, folded, stems, stills */

static pthread_key_t tables_key;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void free_thread_tables(void *p)
{
	struct table_mem *m = p;
	for (int i = 0; i < THREAD_TABLES; i++) {
		free(m[i].slots);
		free(m[i].entries);
	}
	free(m);
}

static void make_tables_key(void)
{
	pthread_key_create(&tables_key, free_thread_tables);
}

/* The calling thread's THREAD_TABLES table memories, or NULL (then each
 * table allocates its own). */
static struct table_mem *thread_tables(void)
{
	pthread_once(&tables_once, make_tables_key);
	struct table_mem *m = pthread_getspecific(tables_key);
	if (!m && (m = calloc(THREAD_TABLES, sizeof *m)) &&
	    pthread_setspecific(tables_key, m) != 0) {
		free(m);
		m = NULL;
	}
	return m;
}

static uint64_t hash_key(const struct key *k)
{
	uint64_t h = HASH_FNV_OFFSET;
	for (size_t i = 0; i < k->main.n; i++)
		h = hash_fnv_step(h, (unsigned char)k->main.p[i]);
	h = hash_fnv_step(h, k->has_ext ? 0x2e : 0x00);
	for (size_t i = 0; i < k->ext.n; i++)
		h = hash_fnv_step(h, (unsigned char)lower_ascii((unsigned char)k->ext.p[i]));
	h ^= (uint64_t)(k->counter + 2) * 0x9E3779B97F4A7C15ull;
	/* FNV's low bits are weak for names that differ in a digit or two, and
	 * the table indexes by low bits: finish with a full avalanche. */
	return hash_mix64(h);
}

static bool key_eq(const struct key *a, const struct key *b)
{
	return a->counter == b->counter && a->has_ext == b->has_ext &&
	       bytes_eq(a->main.p, a->main.n, b->main.p, b->main.n) &&
	       ustr_ascii_ieq(a->ext.p, a->ext.n, b->ext.p, b->ext.n);
}

/* Makes m hold cap zeroed slots and n entries; false when out of memory. */
static bool table_mem_fit(struct table_mem *m, size_t cap, size_t n)
{
	if (m->slots_cap < cap) {
		free(m->slots);
		m->slots_cap = 0;
		if (!(m->slots = calloc(cap, sizeof *m->slots)))
			return false;
		m->slots_cap = cap;
	} else {
		memset(m->slots, 0, cap * sizeof *m->slots);
	}
	if (m->entries_cap < n) {
		free(m->entries);
		m->entries_cap = 0;
		if (!(m->entries = malloc(n * sizeof *m->entries)))
			return false;
		m->entries_cap = n;
	}
	return true;
}

/* A table for max_entries keys, in mem when not NULL (the thread's). */
static int table_init(struct table *t, size_t max_entries, struct table_mem *mem)
{
	size_t cap = 16;
	while (cap < max_entries * 2)
		cap <<= 1;
	size_t n = max_entries ? max_entries : 1;
	if (mem) {
		bool ok = table_mem_fit(mem, cap, n);
		t->slots = ok ? mem->slots : NULL;
		t->entries = ok ? mem->entries : NULL;
		t->borrowed = true;
	} else {
		t->slots = calloc(cap, sizeof *t->slots);
		t->entries = malloc(n * sizeof *t->entries);
		t->borrowed = false;
	}
	t->n_entries = 0;
	t->mask = cap - 1;
	return t->slots && t->entries ? 0 : -1;
}

static void table_free(struct table *t)
{
	if (t->borrowed)
		return;
	free(t->slots);
	free(t->entries);
}

/* The slot holding key k, or the empty slot where it would go. */
static uint64_t *table_probe(const struct table *t, const struct key *k, uint64_t h)
{
	uint64_t tag = h >> 32;
	for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
		uint64_t v = t->slots[i];
		if (v == 0 ||
		    ((v >> 32) == tag && key_eq(&t->entries[(v & 0xFFFFFFFFu) - 1].key, k)))
			return &t->slots[i];
	}
}

/* The entry for key k, or NULL. */
static const struct entry *table_get(const struct table *t, const struct key *k)
{
	uint64_t v = *table_probe(t, k, hash_key(k));
	return v ? &t->entries[(v & 0xFFFFFFFFu) - 1] : NULL;
}

/* The key of an exact-table entry: the whole string. */
static struct key exact_key(const char *p, size_t n, int64_t counter)
{
	struct key k = {{p, n}, {p + n, 0}, false, counter};
	return k;
}

/* The key of a folded-table entry: split at the last dot. */
static struct key folded_key(const char *p, size_t n, int64_t counter)
{
	size_t d = last_dot(p, n);
	if (d == n)
		return exact_key(p, n, counter);
	struct key k = {{p, d + 1}, {p + d + 1, n - d - 1}, true, counter};
	return k;
}

/* ----------------------------------------------------------------- parsed */

struct side {
	struct slice name; /* NFC */
	size_t s1;         /* bytes of the stem before the counter: K_legacy */
	int64_t counter;
	size_t knew;        /* bytes of K_new when the stem has a remnant */
	enum form new_form; /* FORM_NEW_FULL, FORM_NEW_CLIPPED, or FORM_LEGACY for none */
	bool used;          /* some media file took it (rules 1-7) */
};

struct media {
	struct slice name; /* NFC */
	size_t b;          /* stem bytes (name up to the last dot) */
	size_t b0;         /* stem bytes without the counter */
	bool has_ext;
	int64_t counter;
	size_t b0_units;
};

struct matcher {
	const struct sc_sidecar *sc;
	size_t ns;
	const struct sc_media *md;
	size_t nm;
	struct side *side;
	struct media *med;
	struct sc_result *out;
	struct table exact, folded, stems, stills;
	struct table_mem *mem; /* the thread's table memory, or NULL */
	struct arena arena;
	char *buf; /* scratch for building probe names */
};

static struct slice media_ext(const struct media *m)
{
	struct slice e = {m->name.p + m->b, 0};
	if (m->has_ext) {
		e.p = m->name.p + m->b + 1;
		e.n = m->name.n - m->b - 1;
	}
	return e;
}

/* Sidecar order for ties: raw name bytes, then index. Raw, not NFC, so that
 * two spellings of one name still order the same way in any input order. */
static bool sidecar_before(const struct matcher *mt, int a, int b)
{
	int c = bytes_cmp(mt->sc[a].name, mt->sc[a].name_len, mt->sc[b].name, mt->sc[b].name_len);
	return c < 0 || (c == 0 && a < b);
}

static bool media_before(const struct matcher *mt, int a, int b)
{
	int c = bytes_cmp(mt->md[a].name, mt->md[a].name_len, mt->md[b].name, mt->md[b].name_len);
	return c < 0 || (c == 0 && a < b);
}

static void table_add(struct matcher *mt, struct table *t, const struct key *k, enum form f,
                      int item, bool (*before)(const struct matcher *, int, int))
{
	uint64_t h = hash_key(k);
	uint64_t *slot = table_probe(t, k, h);
	if (*slot == 0) {
		/* Callers size the table for every add, so n_entries stays in range. */
		struct entry *e = &t->entries[t->n_entries++];
		e->key = *k;
		for (int i = 0; i < FORM_COUNT; i++)
			e->best[i] = -1;
		*slot = (h >> 32) << 32 | (uint64_t)t->n_entries;
	}
	struct entry *e = &t->entries[(*slot & 0xFFFFFFFFu) - 1];
	if (e->best[f] < 0 || before(mt, item, e->best[f]))
		e->best[f] = item;
}

static int table_find(const struct matcher *mt, const struct table *t, const struct key *k,
                      unsigned mask)
{
	const struct entry *s = table_get(t, k);
	if (!s)
		return -1;
	int best = -1;
	for (int f = 0; f < FORM_COUNT; f++)
		if ((mask & (1u << f)) && s->best[f] >= 0 &&
		    (best < 0 || sidecar_before(mt, s->best[f], best)))
			best = s->best[f];
	return best;
}

/* §8.1: counter, remnant, the legacy and the new-style key. */
static void parse_sidecar(struct side *sd)
{
	const char *p = sd->name.p;
	size_t n = sd->name.n;
	if (n >= 5 && ustr_ascii_ieq(p + n - 5, 5, ".json", 5))
		n -= 5;
	sd->counter = trailing_counter(p, n, &sd->s1);
	sd->new_form = FORM_LEGACY;
	size_t d = last_dot(p, sd->s1);
	if (d == sd->s1 || !is_supplemental_remnant(p + d + 1, sd->s1 - d - 1))
		return;
	sd->knew = d;
	if (sd->s1 - d - 1 == sizeof SUPPLEMENTAL - 1)
		sd->new_form = FORM_NEW_FULL;
	else
		sd->new_form = FORM_NEW_CLIPPED; /* normally 46 units; §8.1 does not insist */
}

static void parse_media(struct media *m)
{
	const char *p = m->name.p;
	size_t n = m->name.n;
	size_t d = last_dot(p, n);
	m->has_ext = d < n && d > 0; /* ".jpg" alone is a stem, not an extension */
	m->b = m->has_ext ? d : n;
	m->counter = trailing_counter(p, m->b, &m->b0);
	m->b0_units = units_of(p, m->b0);
}

/* Inserts a sidecar key into the exact and folded tables, and into the stem
 * table used by the language-independent edit rule (§8.2 rule 5). */
static void index_key(struct matcher *mt, int i, size_t klen, enum form f)
{
	const struct side *sd = &mt->side[i];
	const char *p = sd->name.p;
	struct key k = exact_key(p, klen, sd->counter);
	table_add(mt, &mt->exact, &k, f, i, sidecar_before);
	k = folded_key(p, klen, sd->counter);
	table_add(mt, &mt->folded, &k, f, i, sidecar_before);
}

static void index_stems(struct matcher *mt, int i, size_t klen)
{
	const struct side *sd = &mt->side[i];
	if (sd->counter != NO_COUNTER)
		return;
	/* Whole K (titles without extension) and K minus its extension. */
	struct key k = exact_key(sd->name.p, klen, NO_COUNTER);
	table_add(mt, &mt->stems, &k, FORM_LEGACY, i, sidecar_before);
	size_t d = last_dot(sd->name.p, klen);
	if (d < klen && d > 0) {
		struct key s = {
		    {sd->name.p, d}, {sd->name.p + d + 1, klen - d - 1}, true, NO_COUNTER};
		table_add(mt, &mt->stems, &s, FORM_LEGACY, i, sidecar_before);
	}
}

static void index_sidecars(struct matcher *mt)
{
	for (size_t i = 0; i < mt->ns; i++) {
		const struct side *sd = &mt->side[i];
		index_key(mt, (int)i, sd->s1, FORM_LEGACY);
		if (sd->new_form != FORM_LEGACY) {
			index_key(mt, (int)i, sd->knew, sd->new_form);
			index_stems(mt, (int)i, sd->knew);
		} else {
			index_stems(mt, (int)i, sd->s1);
		}
	}
}

/* ---------------------------------------------------------- rules 1 to 4 */

enum hit { HIT_NONE, HIT_FULL, HIT_CLIPPED };

static int find_in_both(const struct matcher *mt, const char *p, size_t n, int64_t c, unsigned mask)
{
	struct key k = exact_key(p, n, c);
	int s = table_find(mt, &mt->exact, &k, mask);
	if (s >= 0)
		return s;
	k = folded_key(p, n, c);
	return table_find(mt, &mt->folded, &k, mask);
}

/* The sidecar Google would have written for an item titled p[0..n) with
 * counter c: untruncated (rule 1), then cut at 46 units (rule 2). */
static int find_title(const struct matcher *mt, const char *p, size_t n, int64_t c, enum hit *hit)
{
	int s = find_in_both(mt, p, n, c, MASK_FULL);
	if (s >= 0) {
		*hit = HIT_FULL;
		return s;
	}
	*hit = HIT_CLIPPED;
	s = find_in_both(mt, p, n, c, MASK_CLIPPED);
	if (s >= 0 || units_of(p, n) <= SIDECAR_STEM_UNITS)
		return s;
	size_t down = clip_down(p, n, SIDECAR_STEM_UNITS);
	s = find_in_both(mt, p, down, c, MASK_LEGACY);
	size_t up = clip_up(p, n, SIDECAR_STEM_UNITS);
	if (s < 0 && up != down)
		s = find_in_both(mt, p, up, c, MASK_LEGACY);
	return s;
}

/* Builds a + "." + e (or a alone) in the scratch buffer. */
static size_t join_ext(struct matcher *mt, const char *a, size_t an, struct slice e, bool has_ext)
{
	if (an)
		memmove(mt->buf, a, an);
	if (!has_ext)
		return an;
	mt->buf[an] = '.';
	if (e.n)
		memcpy(mt->buf + an + 1, e.p, e.n);
	return an + 1 + e.n;
}

static bool settle(struct matcher *mt, size_t i, int s, enum sc_rule rule)
{
	if (s < 0)
		return false;
	mt->out[i].sidecar = s;
	mt->out[i].rule = rule;
	mt->side[s].used = true;
	return true;
}

/* Rules 1-4 for one media file. */
static bool match_by_name(struct matcher *mt, size_t i)
{
	const struct media *m = &mt->med[i];
	struct slice e = media_ext(m);
	enum hit hit;
	size_t n = join_ext(mt, m->name.p, m->b0, e, m->has_ext);
	int s = find_title(mt, mt->buf, n, m->counter, &hit);
	if (s >= 0) {
		enum sc_rule r = hit == HIT_CLIPPED         ? SC_TRUNCATED
		                 : m->counter != NO_COUNTER ? SC_COUNTER
		                                            : SC_EXACT;
		return settle(mt, i, s, r);
	}
	/* Rule 3 only while clipping keeps the "(n)": a clip inside B0 is rule 6's business. */
	if (m->counter != NO_COUNTER && m->b0_units < SIDECAR_STEM_UNITS &&
	    settle(mt, i, find_title(mt, m->name.p, m->name.n, NO_COUNTER, &hit), SC_TITLE_COUNTER))
		return true;
	if (!m->has_ext)
		return false;
	if (settle(mt, i, find_title(mt, m->name.p, m->b0, m->counter, &hit), SC_NO_EXTENSION))
		return true;
	return m->counter != NO_COUNTER && m->b0_units < SIDECAR_STEM_UNITS &&
	       settle(mt, i, find_title(mt, m->name.p, m->b, NO_COUNTER, &hit), SC_NO_EXTENSION);
}

/* ---------------------------------------------------------------- rule 5 */

/* §2.8, NFC. Derived-file suffixes last: they are English only. */
static const char *const EDIT_SUFFIXES[] = {
    "-edited",          "-bearbeitet", "-modifié",  "-modificato",    "-edytowane", "-bewerkt",
    "-編集済み",        "-ha editado", "-editat",   "-düzenlendi",    "-editado",   "-编辑",
    "-отредактировано", "-편집됨",     "-muokattu", "-відредаговано", "-redigeret", "-upravené",
    "-effects",         "-smile",      "-mix",      "-motion",        "-animation", "-collage",
};
#define N_EDIT_SUFFIXES            (sizeof EDIT_SUFFIXES / sizeof EDIT_SUFFIXES[0])
#define MIN_TRUNCATED_SUFFIX_CHARS 3

/* The code point that ends at p[end): sets *start and returns it. A byte
 * that is not part of a well-formed character stands for itself, mapped
 * above U+10FFFF so that it never equals a real character. */
static int32_t cp_before(const char *p, size_t end, size_t *start)
{
	size_t i = end - 1;
	for (int k = 0; k < 3 && i > 0 && ((unsigned char)p[i] & 0xC0) == 0x80; k++)
		i--;
	utf8proc_int32_t cp = -1;
	utf8proc_ssize_t n =
	    utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(end - i), &cp);
	if (n != (utf8proc_ssize_t)(end - i) || cp < 0) {
		*start = end - 1;
		return 0x110000 + (unsigned char)p[end - 1];
	}
	*start = i;
	return utf8proc_tolower(cp);
}

/* When s[0..n) ends with suf[0..sn) (Unicode case-insensitive), the byte
 * length of that tail in s; otherwise 0. */
static size_t tail_matches(const char *s, size_t n, const char *suf, size_t sn)
{
	size_t i = n, j = sn;
	while (j > 0) {
		if (i == 0)
			return 0;
		size_t si, sj;
		if (cp_before(s, i, &si) != cp_before(suf, j, &sj))
			return 0;
		i = si;
		j = sj;
	}
	return n - i;
}

static bool at_media_limit(const struct media *m)
{
	if (m->b0_units == MEDIA_STEM_UNITS)
		return true;
	return m->b0_units == MEDIA_STEM_UNITS + 1 &&
	       clip_down(m->name.p, m->b0, MEDIA_STEM_UNITS) < m->b0 &&
	       clip_up(m->name.p, m->b0, MEDIA_STEM_UNITS) == m->b0;
}

/* Rules 1-4 for the original of an edited copy whose stem is base[0..bn),
 * first with the copy's counter, then without (§2.5). */
static int find_original(struct matcher *mt, const struct media *m, size_t base)
{
	struct slice e = media_ext(m);
	enum hit hit;
	int64_t counters[2] = {m->counter, NO_COUNTER};
	for (int k = 0; k < 2; k++) {
		if (k == 1 && m->counter == NO_COUNTER)
			break;
		size_t n = join_ext(mt, m->name.p, base, e, m->has_ext);
		int s = find_title(mt, mt->buf, n, counters[k], &hit);
		if (s < 0 && m->has_ext)
			s = find_title(mt, m->name.p, base, counters[k], &hit);
		if (s >= 0)
			return s;
	}
	return -1;
}

static int find_by_edit_suffix(struct matcher *mt, const struct media *m)
{
	for (size_t k = 0; k < N_EDIT_SUFFIXES; k++) {
		const char *suf = EDIT_SUFFIXES[k];
		size_t t = tail_matches(m->name.p, m->b0, suf, strlen(suf));
		if (t && t < m->b0) {
			int s = find_original(mt, m, m->b0 - t);
			if (s >= 0)
				return s;
		}
	}
	return -1;
}

/* At the 47-unit limit the suffix itself may be cut: "-ha ed", "-modif", "-ed". */
static int find_by_truncated_suffix(struct matcher *mt, const struct media *m)
{
	if (!at_media_limit(m))
		return -1;
	for (size_t k = 0; k < N_EDIT_SUFFIXES; k++) {
		const char *suf = EDIT_SUFFIXES[k];
		size_t sn = strlen(suf), cps = 0;
		size_t ends[64];
		for (size_t j = 0; j < sn && cps < 64; j = (size_t)(j + 1)) {
			if (((unsigned char)suf[j] & 0xC0) != 0x80 && j > 0)
				ends[cps++] = j; /* byte end of the first cps code points */
		}
		/* ends[c-1] = end of the first c code points, excluding the full suffix. */
		for (size_t c = cps; c >= MIN_TRUNCATED_SUFFIX_CHARS; c--) {
			size_t t = tail_matches(m->name.p, m->b0, suf, ends[c - 1]);
			if (t && t < m->b0) {
				int s = find_original(mt, m, m->b0 - t);
				if (s >= 0)
					return s;
			}
		}
	}
	return -1;
}

/* immich-go's language-independent rule, tightened: a sidecar whose key
 * (minus the media extension) is B0 up to one of its dashes. */
static int find_by_dash_prefix(const struct matcher *mt, const struct media *m)
{
	if (m->counter != NO_COUNTER)
		return -1;
	struct slice e = media_ext(m);
	size_t lowest = m->b0 > MAX_EDIT_TAIL ? m->b0 - MAX_EDIT_TAIL : 0;
	for (size_t d = m->b0; d > 1 && d > lowest; d--) {
		if (m->name.p[d - 1] != '-')
			continue;
		struct key whole = exact_key(m->name.p, d - 1, NO_COUNTER);
		int s = table_find(mt, &mt->stems, &whole, MASK_LEGACY);
		if (s < 0 && m->has_ext) {
			struct key k = {{m->name.p, d - 1}, e, true, NO_COUNTER};
			s = table_find(mt, &mt->stems, &k, MASK_LEGACY);
		}
		if (s >= 0)
			return s;
	}
	return -1;
}

/* ---------------------------------------------------------------- rule 6 */

/* A numbered copy whose edit suffix was cut away entirely shares the clipped,
 * un-numbered sidecar of its original (§2.5 "forgotten duplicates"). */
static int find_forgotten_duplicate(const struct matcher *mt, const struct media *m)
{
	if (m->counter == NO_COUNTER || m->b0_units <= SIDECAR_STEM_UNITS)
		return -1;
	size_t cuts[2] = {clip_down(m->name.p, m->b0, SIDECAR_STEM_UNITS),
	                  clip_up(m->name.p, m->b0, SIDECAR_STEM_UNITS)};
	for (int k = 0; k < 2; k++) {
		if (k == 1 && cuts[1] == cuts[0])
			break;
		if (cuts[k] == m->b0 ||
		    m->b0_units - units_of(m->name.p, cuts[k]) >= FORGOTTEN_MAX_GAP)
			continue;
		int s = find_in_both(mt, m->name.p, cuts[k], NO_COUNTER, MASK_LEGACY);
		if (s >= 0)
			return s;
	}
	return -1;
}

/* ---------------------------------------------------------------- rule 7 */

static const char *const STILL_EXTS[] = {"jpg", "heic", "jpeg", "heif"};
static const char *const VIDEO_EXTS[] = {"mp4",  "mov", "m4v",  "3gp", "3g2",  "avi", "mkv",
                                         "webm", "mts", "m2ts", "mpg", "mpeg", "wmv"};

static bool ext_in(struct slice e, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ustr_ascii_ieq(e.p, e.n, list[i], strlen(list[i])))
			return true;
	return false;
}

/* "MP", "MV" or "MP~<digits>": the video part of a Pixel motion photo. */
static bool is_motion_part_ext(struct slice e)
{
	if (ustr_ascii_ieq(e.p, e.n, "MP", 2) || ustr_ascii_ieq(e.p, e.n, "MV", 2))
		return true;
	if (e.n < 4 || !ustr_ascii_ieq(e.p, 3, "MP~", 3))
		return false;
	for (size_t i = 3; i < e.n; i++)
		if (!is_digit(e.p[i]))
			return false;
	return true;
}

/* The settled still named stem.<still ext>, if any, lends its sidecar. */
static int find_still_media(struct matcher *mt, const char *stem, size_t sn)
{
	for (size_t k = 0; k < sizeof STILL_EXTS / sizeof STILL_EXTS[0]; k++) {
		struct slice e = {STILL_EXTS[k], strlen(STILL_EXTS[k])};
		size_t n = join_ext(mt, stem, sn, e, true);
		struct key key = folded_key(mt->buf, n, NO_COUNTER);
		const struct entry *s = table_get(&mt->stills, &key);
		if (s)
			return mt->out[s->best[FORM_LEGACY]].sidecar;
	}
	return -1;
}

static int find_still_sidecar(struct matcher *mt, const char *stem, size_t sn, int64_t c)
{
	enum hit hit;
	for (size_t k = 0; k < sizeof STILL_EXTS / sizeof STILL_EXTS[0]; k++) {
		struct slice e = {STILL_EXTS[k], strlen(STILL_EXTS[k])};
		size_t n = join_ext(mt, stem, sn, e, true);
		int s = find_title(mt, mt->buf, n, c, &hit);
		if (s >= 0)
			return s;
	}
	return -1;
}

static int find_companion(struct matcher *mt, const struct media *m)
{
	struct slice e = media_ext(m);
	const char *p = m->name.p;
	if (m->has_ext && is_motion_part_ext(e)) {
		/* PXL_x.MP goes with PXL_x.MP.jpg; also try PXL_x.jpg. */
		int s = find_still_media(mt, p, m->name.n);
		if (s < 0)
			s = find_still_media(mt, p, m->b);
		if (s < 0)
			s = find_still_sidecar(mt, p, m->name.n, NO_COUNTER);
		if (s < 0)
			s = find_still_sidecar(mt, p, m->b, NO_COUNTER);
		return s;
	}
	if (m->has_ext && !ext_in(e, VIDEO_EXTS, sizeof VIDEO_EXTS / sizeof VIDEO_EXTS[0]))
		return -1;
	int s = find_still_media(mt, p, m->b);
	if (s < 0)
		s = find_still_sidecar(mt, p, m->b0, m->counter);
	return s;
}

/* Media settled by rules 1-6, by folded name, for rule 7. */
static int index_settled_stills(struct matcher *mt)
{
	if (table_init(&mt->stills, mt->nm, mt->mem ? &mt->mem[3] : NULL) != 0)
		return -1;
	for (size_t i = 0; i < mt->nm; i++) {
		if (mt->out[i].sidecar < 0)
			continue;
		struct key k = folded_key(mt->med[i].name.p, mt->med[i].name.n, NO_COUNTER);
		table_add(mt, &mt->stills, &k, FORM_LEGACY, (int)i, media_before);
	}
	return 0;
}

/* ---------------------------------------------------------------- rule 8 */

struct r8item {
	struct slice key;
	int64_t counter;
	struct slice nat; /* what natural sort orders by */
	const char *raw;  /* raw input name, tie-break */
	size_t raw_len;
	int idx;
};

static int natural_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
	while (i < an && j < bn) {
		if (is_digit(a[i]) && is_digit(b[j])) {
			size_t i0 = i, j0 = j;
			while (i0 < an && a[i0] == '0')
				i0++;
			while (j0 < bn && b[j0] == '0')
				j0++;
			size_t i1 = i0, j1 = j0;
			while (i1 < an && is_digit(a[i1]))
				i1++;
			while (j1 < bn && is_digit(b[j1]))
				j1++;
			if (i1 - i0 != j1 - j0)
				return i1 - i0 < j1 - j0 ? -1 : 1;
			int c = memcmp(a + i0, b + j0, i1 - i0);
			if (c)
				return c;
			i = i1;
			j = j1;
			continue;
		}
		if (a[i] != b[j])
			return (unsigned char)a[i] < (unsigned char)b[j] ? -1 : 1;
		i++;
		j++;
	}
	return (i < an) - (j < bn);
}

static int r8_group_cmp(const struct r8item *a, const struct r8item *b)
{
	int c = bytes_cmp(a->key.p, a->key.n, b->key.p, b->key.n);
	if (c)
		return c;
	return a->counter < b->counter ? -1 : a->counter > b->counter;
}

/* Group, then natural order with shorter names first (§2.5, timelinize). */
static int r8_cmp(const void *pa, const void *pb)
{
	const struct r8item *a = pa, *b = pb;
	int c = r8_group_cmp(a, b);
	if (c)
		return c;
	if (a->nat.n != b->nat.n)
		return a->nat.n < b->nat.n ? -1 : 1;
	c = natural_cmp(a->nat.p, a->nat.n, b->nat.p, b->nat.n);
	if (c)
		return c;
	c = bytes_cmp(a->raw, a->raw_len, b->raw, b->raw_len);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Copy of a + b with the text after the last dot lower-cased (ASCII). */
static int folded_copy(struct arena *ar, struct slice a, struct slice b, struct slice *out)
{
	char *p = arena_alloc(ar, a.n + b.n + 1);
	if (!p)
		return -1;
	if (a.n)
		memcpy(p, a.p, a.n);
	if (b.n)
		memcpy(p + a.n, b.p, b.n);
	size_t n = a.n + b.n;
	for (size_t i = last_dot(p, n); i < n; i++)
		p[i] = (char)lower_ascii((unsigned char)p[i]);
	out->p = p;
	out->n = n;
	return 0;
}

/* §2.11: characters Google replaces by '_' in file names. */
static void substitute_forbidden(char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strchr("/\\:*?\"<>|&", p[i]) && p[i] != '\0')
			p[i] = '_';
}

struct title_keys {
	bool ok;
	struct slice title;  /* NFC, substituted */
	struct slice exact;  /* title with folded extension */
	struct slice prefix; /* 47-unit stem + "." + folded ext, when the stem is longer */
	bool has_prefix;
};

static int make_title_keys(struct matcher *mt, const char *title, struct title_keys *tk)
{
	memset(tk, 0, sizeof *tk);
	struct slice t;
	if (normalize_name(&mt->arena, title, strlen(title), &t) != 0)
		return -1;
	char *sub = arena_alloc(&mt->arena, t.n + 1);
	if (!sub)
		return -1;
	memcpy(sub, t.p, t.n);
	substitute_forbidden(sub, t.n);
	tk->title = (struct slice){sub, t.n};
	if (folded_copy(&mt->arena, tk->title, (struct slice){sub, 0}, &tk->exact) != 0)
		return -1;
	size_t d = last_dot(sub, t.n);
	if (d < t.n && d > 0 && units_of(sub, d) > MEDIA_STEM_UNITS) {
		size_t cut = clip_up(sub, d, MEDIA_STEM_UNITS);
		struct slice stem = {sub, cut}, ext = {sub + d, t.n - d};
		if (folded_copy(&mt->arena, stem, ext, &tk->prefix) != 0)
			return -1;
		tk->has_prefix = true;
	}
	tk->ok = true;
	return 0;
}

enum r8_pass { R8_STRIPPED, R8_WHOLE, R8_NOEXT_STRIPPED, R8_NOEXT_WHOLE, R8_PREFIX, R8_PASSES };

/* The key media file i offers in a pass; false when it offers none. */
static int media_r8_key(struct matcher *mt, size_t i, enum r8_pass pass, struct r8item *it,
                        bool *has)
{
	const struct media *m = &mt->med[i];
	struct slice empty = {m->name.p, 0};
	struct slice dot_ext = {m->name.p + m->b, m->name.n - m->b};
	*has = false;
	it->counter = NO_COUNTER;
	int rc = 0;
	switch (pass) {
	case R8_STRIPPED:
		if (m->counter == NO_COUNTER)
			return 0;
		it->counter = m->counter;
		rc = folded_copy(&mt->arena, (struct slice){m->name.p, m->b0}, dot_ext, &it->key);
		break;
	case R8_WHOLE:
		rc = folded_copy(&mt->arena, m->name, empty, &it->key);
		break;
	case R8_NOEXT_STRIPPED:
		if (m->counter == NO_COUNTER || !m->has_ext)
			return 0;
		it->counter = m->counter;
		rc = folded_copy(&mt->arena, (struct slice){m->name.p, m->b0}, empty, &it->key);
		break;
	case R8_NOEXT_WHOLE:
		if (!m->has_ext)
			return 0;
		rc = folded_copy(&mt->arena, (struct slice){m->name.p, m->b}, empty, &it->key);
		break;
	default:
		if (!m->has_ext || !at_media_limit(m))
			return 0;
		it->counter = m->counter;
		rc = folded_copy(&mt->arena, (struct slice){m->name.p, m->b0}, dot_ext, &it->key);
		break;
	}
	if (rc != 0)
		return -1;
	it->nat = m->name;
	it->raw = mt->md[i].name;
	it->raw_len = mt->md[i].name_len;
	it->idx = (int)i;
	*has = true;
	return 0;
}

/* Pairs equal keys of two sorted lists in order. */
static void pair_sorted(struct matcher *mt, struct r8item *ms, size_t nm, struct r8item *ss,
                        size_t ns)
{
	size_t i = 0, j = 0;
	while (i < nm && j < ns) {
		int c = r8_group_cmp(&ms[i], &ss[j]);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			size_t i2 = i, j2 = j;
			while (i2 < nm && r8_group_cmp(&ms[i2], &ms[i]) == 0)
				i2++;
			while (j2 < ns && r8_group_cmp(&ss[j2], &ss[j]) == 0)
				j2++;
			for (size_t k = 0; i + k < i2 && j + k < j2; k++)
				settle(mt, (size_t)ms[i + k].idx, ss[j + k].idx, SC_TITLE);
			i = i2;
			j = j2;
		}
	}
}

static int match_by_title(struct matcher *mt)
{
	size_t open_media = 0;
	for (size_t i = 0; i < mt->nm; i++)
		open_media += mt->out[i].sidecar < 0;
	if (open_media == 0)
		return 0;
	struct title_keys *tk = calloc(mt->ns ? mt->ns : 1, sizeof *tk);
	struct r8item *ms = malloc((open_media) * sizeof *ms);
	struct r8item *ss = malloc((mt->ns ? mt->ns : 1) * sizeof *ss);
	int rc = -1;
	if (!tk || !ms || !ss)
		goto out;
	for (size_t s = 0; s < mt->ns; s++)
		if (!mt->side[s].used && mt->sc[s].title &&
		    make_title_keys(mt, mt->sc[s].title, &tk[s]) != 0)
			goto out;
	for (int pass = 0; pass < R8_PASSES; pass++) {
		size_t nm = 0, ns = 0;
		for (size_t i = 0; i < mt->nm; i++) {
			bool has;
			if (mt->out[i].sidecar >= 0)
				continue;
			if (media_r8_key(mt, i, (enum r8_pass)pass, &ms[nm], &has) != 0)
				goto out;
			nm += has;
		}
		for (size_t s = 0; s < mt->ns; s++) {
			if (mt->side[s].used || !tk[s].ok)
				continue;
			if (pass == R8_PREFIX && !tk[s].has_prefix)
				continue;
			ss[ns] = (struct r8item){pass == R8_PREFIX ? tk[s].prefix : tk[s].exact,
			                         mt->side[s].counter,
			                         tk[s].title,
			                         mt->sc[s].name,
			                         mt->sc[s].name_len,
			                         (int)s};
			ns++;
		}
		if (nm == 0 || ns == 0)
			continue;
		qsort(ms, nm, sizeof *ms, r8_cmp);
		qsort(ss, ns, sizeof *ss, r8_cmp);
		pair_sorted(mt, ms, nm, ss, ns);
	}
	rc = 0;
out:
	free(tk);
	free(ms);
	free(ss);
	return rc;
}

/* ------------------------------------------------------------------ main */

static int prepare(struct matcher *mt)
{
	size_t longest = 0;
	for (size_t i = 0; i < mt->ns; i++) {
		struct side *sd = &mt->side[i];
		if (normalize_name(&mt->arena, mt->sc[i].name, mt->sc[i].name_len, &sd->name) != 0)
			return -1;
		parse_sidecar(sd);
	}
	for (size_t i = 0; i < mt->nm; i++) {
		struct media *m = &mt->med[i];
		if (normalize_name(&mt->arena, mt->md[i].name, mt->md[i].name_len, &m->name) != 0)
			return -1;
		parse_media(m);
		if (m->name.n > longest)
			longest = m->name.n;
		mt->out[i].sidecar = -1;
		mt->out[i].rule = SC_NONE;
	}
	/* Probe names: a media name rearranged, or a stem plus ".jpeg". */
	mt->buf = arena_alloc(&mt->arena, longest + 16);
	if (!mt->buf)
		return -1;
	if (table_init(&mt->exact, 2 * mt->ns, mt->mem ? &mt->mem[0] : NULL) ||
	    table_init(&mt->folded, 2 * mt->ns, mt->mem ? &mt->mem[1] : NULL) ||
	    table_init(&mt->stems, 2 * mt->ns, mt->mem ? &mt->mem[2] : NULL))
		return -1;
	index_sidecars(mt);
	return 0;
}

static void match_loosely(struct matcher *mt)
{
	for (size_t i = 0; i < mt->nm; i++) {
		if (mt->out[i].sidecar >= 0)
			continue;
		const struct media *m = &mt->med[i];
		int s = find_by_edit_suffix(mt, m);
		if (s < 0)
			s = find_by_truncated_suffix(mt, m);
		if (s < 0)
			s = find_by_dash_prefix(mt, m);
		if (!settle(mt, i, s, SC_EDITED))
			settle(mt, i, find_forgotten_duplicate(mt, m), SC_FORGOTTEN_DUPLICATE);
	}
}

static void match_companions(struct matcher *mt)
{
	/* The stills table was filled before this loop, so a companion settled
	 * here never lends its sidecar to another companion. */
	for (size_t i = 0; i < mt->nm; i++) {
		if (mt->out[i].sidecar >= 0)
			continue;
		int s = find_companion(mt, &mt->med[i]);
		if (s >= 0) {
			mt->out[i].sidecar = s;
			mt->out[i].rule = SC_LIVE_PHOTO;
			mt->side[s].used = true;
		}
	}
}

int sc_match_directory(const struct sc_sidecar *sidecars, size_t n_sidecars,
                       const struct sc_media *media, size_t n_media, struct sc_result *out)
{
	/* Items are ints, and table entries (two per sidecar) 32-bit slot numbers. */
	if (n_sidecars > INT32_MAX / 4 || n_media > INT32_MAX / 4)
		return -1;
	struct matcher mt = {.sc = sidecars,
	                     .ns = n_sidecars,
	                     .md = media,
	                     .nm = n_media,
	                     .out = out,
	                     .mem = thread_tables()};
	mt.side = calloc(n_sidecars ? n_sidecars : 1, sizeof *mt.side);
	mt.med = calloc(n_media ? n_media : 1, sizeof *mt.med);
	int rc = -1;
	if (!mt.side || !mt.med || prepare(&mt) != 0)
		goto out;
	for (size_t i = 0; i < n_media; i++)
		match_by_name(&mt, i);
	match_loosely(&mt);
	if (index_settled_stills(&mt) != 0)
		goto out;
	match_companions(&mt);
	if (match_by_title(&mt) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		for (size_t i = 0; i < n_media; i++)
			out[i] = (struct sc_result){-1, SC_NONE};
	table_free(&mt.exact);
	table_free(&mt.folded);
	table_free(&mt.stems);
	table_free(&mt.stills);
	free(mt.side);
	free(mt.med);
	arena_free(&mt.arena);
	return rc;
}
