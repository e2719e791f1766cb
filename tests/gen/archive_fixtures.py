#!/usr/bin/env python3
"""Makes the archives the zip and tar unit tests read, with the real tools
(Info-ZIP zip, GNU tar, Python's zipfile and tarfile), and a listing of each
as Python reads it: the reference the tests compare the C parsers with.

Usage: archive_fixtures.py OUTDIR [--many N]

OUTDIR/src/           the tree that is archived
OUTDIR/zip/NAME.zip   with NAME.zip.list: one line per member, tab-separated:
    name crc32 size comp_size header_offset method flags
    dos(Y,M,D,h,m,s) ut_mtime|- is_dir is_symlink
OUTDIR/tar/NAME.tar   with NAME.tar.list: one line per member:
    name type size mtime_ns data_offset linkname mode crc32
"""
import io
import os
import random
import shutil
import stat
import struct
import subprocess
import sys
import tarfile
import zipfile
import zlib
from decimal import Decimal

MTIME = 1700000000           # every file of the tree, whole seconds
FRACTIONAL = "1700000000.123456789"


def make_tree(src):
    rnd = random.Random(16)
    files = {
        "empty.txt": b"",
        "one.txt": b"x",
        "block511.bin": bytes(rnd.getrandbits(8) for _ in range(511)),
        "block512.bin": bytes(rnd.getrandbits(8) for _ in range(512)),
        "text.txt": b"takeoutfs archive fixture line\n" * 3000,
        "sub/random.bin": bytes(rnd.getrandbits(8) for _ in range(70000)),
        "sub/deeper/photo.jpg": b"\xff\xd8\xff\xe0" + b"JFIF" * 5000,
    }
    for name, data in files.items():
        path = os.path.join(src, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    os.symlink("one.txt", os.path.join(src, "link.txt"))
    for root, dirs, names in os.walk(src, topdown=False):
        for n in names:
            os.utime(os.path.join(root, n), (MTIME, MTIME), follow_symlinks=False)
        for d in dirs:
            os.utime(os.path.join(root, d), (MTIME, MTIME))


def run(cmd, cwd, stdout=None):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=stdout, stderr=subprocess.DEVNULL)


def zip_listing(path, renames=None):
    """Lines for every member as Python's zipfile reads the archive, plus the
    UT mtime from the central directory's 0x5455 extra (zipfile ignores it)."""
    lines = []
    with zipfile.ZipFile(path) as zf:
        for i in zf.infolist():
            ut = "-"
            ex = i.extra
            k = 0
            while k + 4 <= len(ex):
                eid, elen = struct.unpack_from("<HH", ex, k)
                if eid == 0x5455 and elen >= 5 and ex[k + 4] & 1:
                    ut = str(struct.unpack_from("<i", ex, k + 5)[0])
                k += 4 + elen
            mode = i.external_attr >> 16 if i.create_system == 3 else 0
            name = (renames or {}).get(i.filename, i.filename)
            lines.append("\t".join([
                name, "%08x" % i.CRC, str(i.file_size), str(i.compress_size),
                str(i.header_offset), str(i.compress_type), str(i.flag_bits),
                ",".join(str(v) for v in i.date_time), ut,
                "1" if i.filename.endswith("/") else "0",
                "1" if mode and stat.S_ISLNK(mode) else "0"]))
    with open(path + ".list", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


class Unseekable:
    """A write-only stream: zipfile then writes data descriptors."""

    def __init__(self, f):
        self.f = f

    def write(self, b):
        return self.f.write(b)

    def flush(self):
        self.f.flush()


def python_zips(out, src):
    utf8 = {"caf\u00e9/\u00e9t\u00e9 \U0001f4f7.jpg": b"summer" * 100,
            "Google\u00a0Photos/a.txt": b"nbsp"}
    for name, method in (("py_stored", zipfile.ZIP_STORED),
                         ("py_deflate", zipfile.ZIP_DEFLATED)):
        path = os.path.join(out, name + ".zip")
        with zipfile.ZipFile(path, "w", method) as zf:
            for root, dirs, names in sorted(os.walk(src)):
                for n in sorted(names):
                    full = os.path.join(root, n)
                    if not os.path.islink(full):
                        zf.write(full, os.path.relpath(full, src))
            for n, data in utf8.items():
                zf.writestr(n, data)
            zf.writestr("emptydir/", b"")
        zip_listing(path)
    # ZIP64 extras on every member (local and central), and a member over 4 GiB
    # would not fit here: force_zip64 gives the same layout.
    path = os.path.join(out, "py_zip64.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in (("a.bin", os.urandom(3000)), ("b.txt", b"zip64 " * 999)):
            zi = zipfile.ZipInfo(n, (2020, 5, 17, 12, 34, 56))
            zi.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(zi, "w", force_zip64=True) as w:
                w.write(data)
    zip_listing(path)
    # Data descriptors: zipfile writing to an unseekable stream, stored and
    # deflated, 32- and 64-bit.
    path = os.path.join(out, "py_stream.zip")
    with open(path, "wb") as f:
        with zipfile.ZipFile(Unseekable(f), "w") as zf:
            zf.writestr(zipfile.ZipInfo("stored.txt"), b"stored with descriptor PK\x07\x08 " * 50,
                        compress_type=zipfile.ZIP_STORED)
            zf.writestr(zipfile.ZipInfo("deflated.txt"), b"deflated with descriptor " * 500,
                        compress_type=zipfile.ZIP_DEFLATED)
            zi = zipfile.ZipInfo("wide.bin")
            zi.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(zi, "w", force_zip64=True) as w:
                w.write(os.urandom(5000))
            zi = zipfile.ZipInfo("wide_stored.bin")
            zi.compress_type = zipfile.ZIP_STORED
            with zf.open(zi, "w", force_zip64=True) as w:
                w.write(b"PK\x07\x08" * 300)
            zf.writestr(zipfile.ZipInfo("empty"), b"", compress_type=zipfile.ZIP_DEFLATED)
    zip_listing(path)


def legacy_name_zips(out):
    """CP437 names (no UTF-8 flag) and the Info-ZIP Unicode Path extra, made by
    zipfile with ASCII placeholders of the same length, then patched."""
    cp437 = bytes(range(0x80, 0x100)) + b".txt"
    uni_raw = b"caf\xe9.txt"            # Latin-1 bytes, wrong as CP437
    uni_name = "caf\u00e9.txt"
    bad_raw = b"na\xefve.txt"           # its 0x7075 CRC does not match: CP437
    raws = [cp437, uni_raw, bad_raw]
    holders = [(b"%c" % (ord("A") + k)) * len(r) for k, r in enumerate(raws)]
    path = os.path.join(out, "legacy_names.zip")
    with zipfile.ZipFile(path, "w") as zf:
        for k, (raw, holder) in enumerate(zip(raws, holders)):
            zi = zipfile.ZipInfo(holder.decode(), (2001, 2, 3, 4, 5, 6))
            if k == 1:
                u = uni_name.encode()
                zi.extra = struct.pack("<HHBI", 0x7075, 5 + len(u), 1, zlib.crc32(raw)) + u
            elif k == 2:
                u = "other.txt".encode()
                zi.extra = struct.pack("<HHBI", 0x7075, 5 + len(u), 1, zlib.crc32(raw) ^ 1) + u
            zf.writestr(zi, b"legacy %d" % k)
    data = open(path, "rb").read()
    for raw, holder in zip(raws, holders):
        assert data.count(holder) == 2
        data = data.replace(holder, raw)
    open(path, "wb").write(data)
    zip_listing(path, {uni_raw.decode("cp437"): uni_name})


def many_zip(out, count):
    """More than 65,535 members: the ZIP64 end record and locator."""
    path = os.path.join(out, "py_many.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zi = zipfile.ZipInfo("x")
        for k in range(count):
            zi = zipfile.ZipInfo("d%03d/f%06d" % (k % 500, k), (2021, 1, 1, 0, 0, 0))
            zf.writestr(zi, b"%d" % k if k % 3 else b"")
    zip_listing(path)


def infozip_zips(out, src):
    env = dict(os.environ, TZ="UTC")
    for name, opts in (("infozip_stored", ["-0"]), ("infozip_deflate", ["-9"])):
        path = os.path.join(out, name + ".zip")
        subprocess.run(["zip", "-q", "-r", "-y"] + opts + [path, "."], cwd=src,
                       check=True, env=env)
        zip_listing(path)
    # Streaming to a pipe: data descriptors (bit 3) on every member.
    for name, opts in (("infozip_stream_stored", ["-0"]), ("infozip_stream_deflate", [])):
        path = os.path.join(out, name + ".zip")
        with open(path, "wb") as f:
            p1 = subprocess.Popen(["zip", "-q", "-r"] + opts + ["-", "."], cwd=src,
                                  stdout=subprocess.PIPE, env=env)
            shutil.copyfileobj(p1.stdout, f)
            assert p1.wait() == 0
        zip_listing(path)
    path = os.path.join(out, "infozip_stdin.zip")
    with open(path, "wb") as f:
        p = subprocess.run(["zip", "-q", "-", "-"], input=b"from stdin\n" * 1000,
                           stdout=subprocess.PIPE, check=True, env=env)
        f.write(p.stdout)
    zip_listing(path)


TYPES = {tarfile.REGTYPE: "reg", tarfile.AREGTYPE: "reg", tarfile.CONTTYPE: "reg",
         tarfile.DIRTYPE: "dir", tarfile.SYMTYPE: "sym", tarfile.LNKTYPE: "hard",
         tarfile.CHRTYPE: "dev", tarfile.BLKTYPE: "dev", tarfile.FIFOTYPE: "fifo"}


def tar_listing(path):
    lines = []
    with tarfile.open(path) as tf:
        for ti in tf.getmembers():
            if "mtime" in ti.pax_headers:
                ns = int(Decimal(ti.pax_headers["mtime"]) * 1000000000)
            else:
                ns = int(ti.mtime) * 1000000000
            crc = 0
            if ti.isreg():
                crc = zlib.crc32(tf.extractfile(ti).read())
            lines.append("\t".join([
                ti.name, TYPES.get(ti.type, "other"), str(ti.size), str(ns),
                str(ti.offset_data), ti.linkname, "%o" % ti.mode, "%08x" % crc]))
    with open(path + ".list", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def tar_tree(src):
    """The tree, plus what tar formats differ on: a path over 100 bytes that
    ustar splits into prefix and name, a 150-byte name, a long link target,
    a hard link, a FIFO, a UTF-8 name with a fractional mtime."""
    t = os.path.join(src, "..", "tartree")
    shutil.copytree(src, t, symlinks=True)
    deep = os.path.join(t, "d" * 60, "e" * 30)
    os.makedirs(deep)
    with open(os.path.join(deep, "f" * 40 + ".txt"), "wb") as f:
        f.write(b"prefix split\n")
    return t


def gnu_tars(out, tree):
    env = dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8")
    long_name = "L" * 146 + ".jpg"
    with open(os.path.join(tree, long_name), "wb") as f:
        f.write(b"long name content\n" * 40)
    os.symlink("t" * 120 + "/target", os.path.join(tree, "longlink"))
    os.link(os.path.join(tree, "one.txt"), os.path.join(tree, "hard.txt"))
    os.mkfifo(os.path.join(tree, "fifo"))
    utf8 = os.path.join(tree, "\u00e9t\u00e9 \U0001f4f7.jpg")
    with open(utf8, "wb") as f:
        f.write(b"utf8 name")
    ns = int(Decimal(FRACTIONAL) * 1000000000)
    os.utime(utf8, ns=(ns, ns))
    for fmt in ("ustar", "gnu", "pax"):
        path = os.path.join(out, "gnutar_%s.tar" % fmt)
        members = sorted(os.listdir(tree))
        if fmt == "ustar":  # ustar cannot hold the 150-byte name nor the long link
            members = [m for m in members if m not in (long_name, "longlink")]
        subprocess.run(["tar", "--format=" + fmt, "-cf", path, "-C", tree] + members,
                       check=True, env=env, stderr=subprocess.DEVNULL)
        tar_listing(path)


def python_tars(out, tree):
    for name, fmt in (("py_gnu", tarfile.GNU_FORMAT), ("py_pax", tarfile.PAX_FORMAT)):
        path = os.path.join(out, name + ".tar")
        kw = {"pax_headers": {"comment": "global record"}} if fmt == tarfile.PAX_FORMAT else {}
        with tarfile.open(path, "w", format=fmt, **kw) as tf:
            tf.add(tree, arcname="tree", filter=lambda ti: None if ti.isfifo() else ti)
            ti = tarfile.TarInfo("frac/" + "\u00e9" * 80 + ".bin")
            data = b"fraction" * 99
            ti.size = len(data)
            ti.mtime = 1600000000.25
            tf.addfile(ti, io.BytesIO(data))
        tar_listing(path)


def main():
    out = sys.argv[1]
    many = 70000
    if "--many" in sys.argv:
        many = int(sys.argv[sys.argv.index("--many") + 1])
    src = os.path.join(out, "src")
    zdir, tdir = os.path.join(out, "zip"), os.path.join(out, "tar")
    for d in (src, zdir, tdir):
        os.makedirs(d)
    make_tree(src)
    infozip_zips(zdir, src)
    python_zips(zdir, src)
    legacy_name_zips(zdir)
    if many:
        many_zip(zdir, many)
    tree = tar_tree(src)
    gnu_tars(tdir, tree)
    python_tars(tdir, tree)


if __name__ == "__main__":
    main()
