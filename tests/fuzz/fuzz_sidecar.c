/* Fuzz target for the sidecar matcher.
 * Input: newline-separated names. Lines before the first line that is
 * exactly "--" are sidecars ("name" or "name<TAB>title"); lines after it are
 * media file names. Checks: success, every result index in range, a rule set
 * exactly when matched, SC_COPY never produced, and the same pairs (by name)
 * when both arrays are reversed, if all names are distinct. */
#include "index/sidecar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 4096

struct item {
	const char *p;
	size_t n;
};

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	size_t m = x->n < y->n ? x->n : y->n;
	int c = m ? memcmp(x->p, y->p, m) : 0;
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

static int all_distinct(struct item *v, size_t n)
{
	qsort(v, n, sizeof *v, item_cmp);
	for (size_t i = 1; i < n; i++)
		if (item_cmp(&v[i - 1], &v[i]) == 0)
			return 0;
	return 1;
}

static void check_results(const struct sc_result *out, size_t nm, size_t ns)
{
	for (size_t i = 0; i < nm; i++) {
		if (out[i].sidecar < -1 || out[i].sidecar >= (long)ns)
			abort();
		if ((out[i].sidecar >= 0) != (out[i].rule != SC_NONE))
			abort();
		if (out[i].rule < SC_NONE || out[i].rule >= SC_COPY)
			abort();
	}
}

static void check_order_independence(const struct sc_sidecar *sc, size_t ns,
                                     const struct sc_media *md, size_t nm,
                                     const struct sc_result *out)
{
	struct sc_sidecar *rsc = malloc((ns + 1) * sizeof *rsc);
	struct sc_media *rmd = malloc((nm + 1) * sizeof *rmd);
	struct sc_result *rout = malloc((nm + 1) * sizeof *rout);
	if (!rsc || !rmd || !rout)
		goto done;
	for (size_t i = 0; i < ns; i++)
		rsc[i] = sc[ns - 1 - i];
	for (size_t i = 0; i < nm; i++)
		rmd[i] = md[nm - 1 - i];
	if (sc_match_directory(rsc, ns, rmd, nm, rout) != 0)
		abort();
	check_results(rout, nm, ns);
	for (size_t i = 0; i < nm; i++) {
		const struct sc_result *a = &out[i], *b = &rout[nm - 1 - i];
		if (a->rule != b->rule)
			abort();
		if (a->sidecar >= 0 && (size_t)a->sidecar != ns - 1 - (size_t)b->sidecar)
			abort();
	}
done:
	free(rsc);
	free(rmd);
	free(rout);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	struct sc_sidecar *sc = malloc(MAX_ITEMS * sizeof *sc);
	struct sc_media *md = malloc(MAX_ITEMS * sizeof *md);
	struct sc_result *out = malloc(MAX_ITEMS * sizeof *out);
	struct item *names = malloc(2 * MAX_ITEMS * sizeof *names);
	if (!buf || !sc || !md || !out || !names)
		goto done;
	if (size)
		memcpy(buf, data, size);
	buf[size] = '\0';
	size_t ns = 0, nm = 0;
	int in_media = 0;
	for (size_t pos = 0; pos <= size;) {
		char *line = buf + pos;
		char *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos;
		if (nl)
			*nl = '\0'; /* terminates a title that ends the line */
		pos += len + 1;
		if (!in_media && len == 2 && memcmp(line, "--", 2) == 0) {
			in_media = 1;
		} else if (!in_media && ns < MAX_ITEMS) {
			char *tab = memchr(line, '\t', len);
			sc[ns].name = line;
			sc[ns].name_len = tab ? (size_t)(tab - line) : len;
			sc[ns].title = tab ? tab + 1 : NULL;
			ns++;
		} else if (in_media && nm < MAX_ITEMS) {
			md[nm].name = line;
			md[nm].name_len = len;
			nm++;
		}
		if (!nl)
			break;
	}
	if (sc_match_directory(sc, ns, md, nm, out) != 0)
		abort();
	check_results(out, nm, ns);
	for (size_t i = 0; i < ns; i++)
		names[i] = (struct item){sc[i].name, sc[i].name_len};
	int distinct = all_distinct(names, ns);
	for (size_t i = 0; i < nm; i++)
		names[i] = (struct item){md[i].name, md[i].name_len};
	if (distinct && all_distinct(names, nm))
		check_order_independence(sc, ns, md, nm, out);
done:
	free(buf);
	free(sc);
	free(md);
	free(out);
	free(names);
	return 0;
}
