#!/usr/bin/env python3
"""Builds the quirk_* files of tests/corpus: metadata the way real writers
lay it out where the standard is bent (issue 17), each checked with ExifTool
afterwards (tests/corpus/SOURCES.md, "Built files").

Usage: make_quirk_files.py BASE_JPEG OUT_DIR
BASE_JPEG is fujifilm_dx5_1.jpg with its metadata removed (`exiftool -all=`):
only its image data is used. Everything else is written here byte by byte.
"""
import struct
import sys
import zlib

# ---- TIFF / EXIF ---------------------------------------------------------------

BYTE, ASCII, SHORT, LONG, RATIONAL, SLONG, SRATIONAL = 1, 2, 3, 4, 5, 9, 10
SIZES = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, SLONG: 4, SRATIONAL: 8}


def values_bytes(e, typ, vals):
    if typ == ASCII:
        return vals.encode() + b"\0"
    fmt = {BYTE: "B", SHORT: "H", LONG: "I", SLONG: "i"}
    if typ in fmt:
        return b"".join(struct.pack(e + fmt[typ], v) for v in vals)
    f = "I" if typ == RATIONAL else "i"
    return b"".join(struct.pack(e + f + f, n, d) for n, d in vals)


def ifd_bytes(e, entries, at):
    """One IFD placed at offset `at`, its out-of-line values right after it."""
    entries = sorted(entries)
    data_at = at + 2 + 12 * len(entries) + 4
    head, data = struct.pack(e + "H", len(entries)), b""
    for tag, typ, vals in entries:
        raw = values_bytes(e, typ, vals)
        count = len(raw) // SIZES[typ]
        if len(raw) <= 4:
            head += struct.pack(e + "HHI", tag, typ, count) + raw.ljust(4, b"\0")
        else:
            head += struct.pack(e + "HHII", tag, typ, count, data_at + len(data))
            data += raw + (b"\0" if len(raw) % 2 else b"")
    return head + b"\0\0\0\0" + data


def tiff_block(le, ifd0, exif=None, gps=None):
    """A TIFF block: IFD0, then the Exif and GPS IFDs its pointers name."""
    e = "<" if le else ">"
    ptrs = [(tag, ents) for tag, ents in ((0x8769, exif), (0x8825, gps)) if ents is not None]
    at = 8 + len(ifd_bytes(e, list(ifd0) + [(tag, LONG, [0]) for tag, _ in ptrs], 8))
    entries, subs = list(ifd0), []
    for tag, ents in ptrs:
        entries.append((tag, LONG, [at]))
        subs.append(ifd_bytes(e, ents, at))
        at += len(subs[-1])
    head = (b"II*\0" if le else b"MM\0*") + struct.pack(e + "I", 8)
    return head + ifd_bytes(e, entries, 8) + b"".join(subs)


def jpeg_with_exif(base, tiff):
    seg = b"Exif\0\0" + tiff
    assert base[:2] == b"\xff\xd8"
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(seg) + 2) + seg + base[2:]


# ---- PNG ------------------------------------------------------------------------


def png_chunk(typ, data):
    return struct.pack(">I", len(data)) + typ + data + struct.pack(">I", zlib.crc32(typ + data))


def png_with(chunks):
    w = h = 8
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\0" + bytes((x * 32) & 0xFF for x in range(w)) for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + b"".join(chunks) +
            png_chunk(b"IDAT", zlib.compress(rows)) + png_chunk(b"IEND", b""))


def raw_profile_text(data, name="exif"):
    """ImageMagick's layout: name, length, then hex in lines of 72 digits."""
    hexs = data.hex()
    lines = "\n".join(hexs[i:i + 72] for i in range(0, len(hexs), 72))
    return ("\n%s\n%8d\n%s\n" % (name, len(data), lines)).encode()


# ---- ISO BMFF -------------------------------------------------------------------


def box(typ, *parts):
    payload = b"".join(parts)
    return struct.pack(">I", 8 + len(payload)) + typ + payload


def full(typ, version, flags, *parts):
    return box(typ, struct.pack(">I", version << 24 | flags), *parts)


MAC_EPOCH = 2082844800


def movie(brand, udta=b"", meta=b"", t=1532361657):
    """A one-video-track movie: ftyp, moov(mvhd, trak, meta, udta), mdat."""
    mt = t + MAC_EPOCH
    mvhd = full(b"mvhd", 0, 0, struct.pack(">IIII", mt, mt, 600, 600), struct.pack(">IH", 0x10000, 0x100),
                b"\0" * 10, struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000),
                b"\0" * 24, struct.pack(">I", 2))
    tkhd = full(b"tkhd", 0, 3, struct.pack(">IIIII", mt, mt, 1, 0, 600), b"\0" * 8,
                struct.pack(">HHHH", 0, 0, 0, 0),
                struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000),
                struct.pack(">II", 640 << 16, 480 << 16))
    mdhd = full(b"mdhd", 0, 0, struct.pack(">IIIIHH", mt, mt, 600, 600, 0x55c4, 0))
    hdlr = full(b"hdlr", 0, 0, b"\0\0\0\0vide" + b"\0" * 12 + b"VideoHandler\0")
    trak = box(b"trak", tkhd, box(b"mdia", mdhd, hdlr))
    ftyp = box(b"ftyp", brand, b"\0\0\0\0", brand, b"isom" if brand != b"qt  " else b"")
    moov = box(b"moov", mvhd, trak, meta, box(b"udta", udta) if udta else b"")
    return ftyp + moov + box(b"mdat", b"\0" * 64)


def data_atom(text):
    return box(b"data", struct.pack(">II", 1, 0), text.encode())


def udta_text(typ, text):
    return box(typ, struct.pack(">HH", len(text.encode()), 0x15c7), text.encode())


def ilst_meta(items):
    """ISO meta (full box) with an mdir handler and an iTunes-style item list."""
    hdlr = full(b"hdlr", 0, 0, b"\0\0\0\0mdirappl" + b"\0" * 9)
    return full(b"meta", 0, 0, hdlr, box(b"ilst", *(box(t, data_atom(v)) for t, v in items)))


def keys_meta(pairs):
    """QuickTime meta (plain box): hdlr mdta, keys, ilst indexed by key number."""
    hdlr = full(b"hdlr", 0, 0, b"\0\0\0\0mdta" + b"\0" * 12 + b"\0")
    keys = full(b"keys", 0, 0, struct.pack(">I", len(pairs)),
                *(struct.pack(">I", 8 + len(k)) + b"mdta" + k.encode() for k, _ in pairs))
    ilst = box(b"ilst", *(box(struct.pack(">I", i + 1), data_atom(v)) for i, (_, v) in enumerate(pairs)))
    return box(b"meta", hdlr, keys, ilst)


def heif_two_extents(tiff):
    """A HEIC whose Exif item lies in two extents of mdat (iloc version 1)."""
    item = struct.pack(">I", 6) + b"Exif\0\0" + tiff
    half = len(item) // 2
    ftyp = box(b"ftyp", b"heic", b"\0\0\0\0", b"mif1heic")
    hdlr = full(b"hdlr", 0, 0, b"\0\0\0\0pict" + b"\0" * 12 + b"\0")
    pitm = full(b"pitm", 0, 0, struct.pack(">H", 1))
    infe1 = full(b"infe", 2, 0, struct.pack(">HH", 1, 0), b"hvc1", b"\0")
    infe2 = full(b"infe", 2, 1, struct.pack(">HH", 2, 0), b"Exif", b"\0")
    iinf = full(b"iinf", 0, 0, struct.pack(">H", 2), infe1, infe2)
    ispe = full(b"ispe", 0, 0, struct.pack(">II", 64, 48))
    iprp = box(b"iprp", box(b"ipco", ispe), full(b"ipma", 0, 0, struct.pack(">IHBB", 1, 1, 1, 0x81)))
    pad = b"\xaa" * 16  # bytes between the two halves, not part of the item

    def meta_with(mdat_data_at):
        a = mdat_data_at
        iloc = full(b"iloc", 1, 0, bytes([0x44, 0x00]), struct.pack(">H", 2),
                    struct.pack(">HHHH", 1, 0, 0, 1), struct.pack(">II", a + len(item) + len(pad), 16),
                    struct.pack(">HHHH", 2, 0, 0, 2),
                    struct.pack(">II", a, half), struct.pack(">II", a + half + len(pad), len(item) - half))
        return full(b"meta", 0, 0, hdlr, pitm, iinf, iloc, iprp)

    head_len = len(ftyp) + len(meta_with(0)) + 8
    meta = meta_with(head_len)
    mdat = box(b"mdat", item[:half], pad, item[half:], b"\0" * 16)
    return ftyp + meta + mdat


# ---- the files -----------------------------------------------------------------


def common_exif(extra=()):
    return [(0x9003, ASCII, "2018:07:23 18:00:57"), (0x9004, ASCII, "2018:07:23 18:00:57"),
            (0x829a, RATIONAL, [(1, 250)]), (0x829d, RATIONAL, [(28, 10)]),
            (0x8827, SHORT, [200]), (0x920a, RATIONAL, [(43, 10)])] + list(extra)


def main():
    base, out = sys.argv[1], sys.argv[2]
    jpeg = open(base, "rb").read()
    files = {}
    ifd0 = [(0x010f, ASCII, "Quirk"), (0x0110, ASCII, "Writer 1"), (0x0112, SHORT, [1])]

    # GPS as text (the ASCII type) instead of three rationals.
    gps = [(0x0001, ASCII, "N"), (0x0002, ASCII, "48 51 29.5"), (0x0003, ASCII, "W"),
           (0x0004, ASCII, "2.2945"), (0x0005, BYTE, [0]), (0x0006, RATIONAL, [(355, 10)])]
    files["quirk_gpsascii_1.jpg"] = jpeg_with_exif(jpeg, tiff_block(False, ifd0, common_exif(), gps))

    # Make and Model only in the Exif IFD (IFD0 has none).
    exif_mm = common_exif([(0x010f, ASCII, "ExifIFDMake"), (0x0110, ASCII, "Model In ExifIFD")])
    files["quirk_makeexififd_1.jpg"] = jpeg_with_exif(jpeg, tiff_block(True, [(0x0112, SHORT, [1])], exif_mm))

    # Non-standard types: Orientation SLONG, rationals as SRATIONAL, ISO as LONG.
    ifd0_types = [(0x010f, ASCII, "Quirk"), (0x0110, ASCII, "Types 1"), (0x0112, SLONG, [6])]
    exif_types = [(0x9003, ASCII, "2018:07:23 18:00:57"), (0x829a, SRATIONAL, [(1, 125)]),
                  (0x829d, SRATIONAL, [(56, 10)]), (0x8827, LONG, [640]), (0x920a, SRATIONAL, [(50, 1)])]
    files["quirk_types_1.jpg"] = jpeg_with_exif(jpeg, tiff_block(False, ifd0_types, exif_types))

    # PNG raw profiles: tEXt, zTXt, iTXt (compressed), no eXIf.
    tiff_png = tiff_block(True, [(0x010f, ASCII, "Quirk"), (0x0110, ASCII, "PNG Raw"), (0x0112, SHORT, [8])],
                          common_exif())
    prof = raw_profile_text(b"Exif\0\0" + tiff_png)
    kw = b"Raw profile type exif\0"
    files["quirk_pngrawtext_1.png"] = png_with([png_chunk(b"tEXt", kw + prof)])
    files["quirk_pngrawztxt_1.png"] = png_with([png_chunk(b"zTXt", kw + b"\0" + zlib.compress(prof))])
    prof_tiff = raw_profile_text(tiff_png)  # some writers leave out "Exif\0\0"
    files["quirk_pngrawitxt_1.png"] = png_with([png_chunk(b"iTXt", kw + b"\1\0" + b"\0\0" + zlib.compress(prof_tiff))])

    # QuickTime / MP4 locations and dates.
    files["quirk_udtaxyz_1.mp4"] = movie(b"mp42", udta=udta_text(b"\xa9xyz", "+48.8584+002.2945/"))
    files["quirk_ilstxyz_1.mp4"] = movie(b"mp42", udta=ilst_meta([(b"\xa9mak", "Quirk"), (b"\xa9mod", "Ilst 1"),
                                                                  (b"\xa9xyz", "-33.8568+151.2153+012.000/")]))
    files["quirk_keysdate_1.mov"] = movie(b"qt  ", meta=keys_meta([
        ("com.apple.quicktime.make", "Apple"), ("com.apple.quicktime.model", "iPhone 8"),
        ("com.apple.quicktime.location.ISO6709", "+52.5163+013.3777+034.000/"),
        ("com.apple.quicktime.creationdate", "2018-07-23T20:00:41+0200")]))

    # HEIF Exif item in two extents.
    tiff_heif = tiff_block(False, ifd0, common_exif([(0x9011, ASCII, "+02:00")]))
    files["quirk_heifextents_1.heic"] = heif_two_extents(tiff_heif)

    for name, data in files.items():
        with open("%s/%s" % (out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
