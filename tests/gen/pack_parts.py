#!/usr/bin/env python3
"""pack_parts.py: packs the extracted parts of a generated Takeout into archives, with real tools.

Usage: pack_parts.py SRC OUT FORMAT
  SRC     a tree from `gen-takeout --parts K` (SRC/takeout-...-00N/Takeout/...)
  OUT     folder that receives one archive per part, named after the part: OUT/takeout-...-00N.EXT
  FORMAT  how to pack, each with the tool people's archives come from:
    zip-infozip     Info-ZIP zip: media stored (-n), sidecars deflated, directory entries
    zip64-infozip   Info-ZIP zip -fz: ZIP64 records and extra fields forced on every member
    zip-deflated    Info-ZIP zip: every member deflated, media too
    zip-python      Python zipfile: members stored or deflated by turns, no directory entries,
                    DOS times only
    zip-stream      Info-ZIP zip reading from a pipe: every member has a data descriptor (bit 3)
    tgz-gnu         GNU tar --format=gnu | gzip (one gzip member)
    tgz-pax         GNU tar --format=pax, compressed by gzip in two concatenated gzip members
    tgz-python      Python tarfile, PAX format, gzip
    tar-python      Python tarfile, GNU format, uncompressed

Every part keeps its files' mtimes. Extracting an archive into a folder named after it gives back
the part exactly (that is what the archive tests compare against).
"""
import gzip
import os
import subprocess
import sys
import tarfile
import zipfile

MEDIA = (".jpg", ".jpeg", ".heic", ".png", ".mp4", ".mov", ".gif", ".webp")


def members(part):
    """(relative path, full path) of every file below part, in a stable order."""
    out = []
    for dirpath, dirnames, filenames in os.walk(part):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            out.append((os.path.relpath(full, part), full))
    return out


def zip_python(part, dest):
    with zipfile.ZipFile(dest, "w") as z:
        for i, (rel, full) in enumerate(members(part)):
            method = zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED
            z.write(full, rel, compress_type=method)


def infozip(part, dest, *flags, store_media=True):
    store = ["-n", ":".join(MEDIA)] if store_media else []
    subprocess.run(["zip", "-q", "-r", *flags, *store, os.path.abspath(dest), "."], cwd=part,
                   check=True)


def zip_stream(part, dest):
    # zip reading names and data from stdin cannot seek back: sizes and CRCs follow the data.
    # Its output goes through a pipe: given a file, zip would seek back after all.
    names = "\n".join(rel for rel, _ in members(part)) + "\n"
    data = subprocess.run(["zip", "-q", "-", "-@"], cwd=part, input=names.encode(),
                          stdout=subprocess.PIPE, check=True).stdout
    with open(dest, "wb") as out:
        out.write(data)


def gnu_tar(part, fmt):
    return subprocess.run(["tar", "--format=" + fmt, "-cf", "-", "-C", part, "."],
                          stdout=subprocess.PIPE, check=True).stdout


def write_gzip(dest, data, members_count=1):
    cut = len(data) // 2 // 512 * 512 if members_count == 2 else len(data)
    with open(dest, "wb") as out:
        for chunk in (data[:cut], data[cut:]):
            if chunk:
                out.write(gzip.compress(chunk, compresslevel=6, mtime=0))


def tar_python(part, dest, fmt, mode):
    with tarfile.open(dest, mode, format=fmt) as t:
        for rel, full in members(part):
            t.add(full, arcname=rel, recursive=False)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, out, fmt = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    parts = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
    if not parts:
        sys.exit(f"pack_parts.py: no part folders in {src}")
    for name in parts:
        part = os.path.join(src, name)
        base = os.path.join(out, name)
        if fmt == "zip-infozip":
            infozip(part, base + ".zip")
        elif fmt == "zip64-infozip":
            infozip(part, base + ".zip", "-fz")
        elif fmt == "zip-deflated":
            infozip(part, base + ".zip", store_media=False)
        elif fmt == "zip-python":
            zip_python(part, base + ".zip")
        elif fmt == "zip-stream":
            zip_stream(part, base + ".zip")
        elif fmt == "tgz-gnu":
            write_gzip(base + ".tgz", gnu_tar(part, "gnu"))
        elif fmt == "tgz-pax":
            write_gzip(base + ".tar.gz", gnu_tar(part, "pax"), members_count=2)
        elif fmt == "tgz-python":
            tar_python(part, base + ".tgz", tarfile.PAX_FORMAT, "w:gz")
        elif fmt == "tar-python":
            tar_python(part, base + ".tar", tarfile.GNU_FORMAT, "w")
        else:
            sys.exit(f"pack_parts.py: unknown format {fmt}")


if __name__ == "__main__":
    main()
