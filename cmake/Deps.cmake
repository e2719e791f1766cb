# Every dependency comes from pkg-config; a missing one stops configuration with
# the Debian package that provides it, so nobody has to guess.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

function(tfs_require var module debian_package)
  pkg_check_modules(${var} QUIET IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "takeoutfs needs ${module}: install the Debian package "
                        "'${debian_package}' (or run 'make deps' as root)")
  endif()
endfunction()

tfs_require(FUSE3 "fuse3>=3.14" libfuse3-dev)
tfs_require(EXIF libexif libexif-dev)
tfs_require(ZLIB zlib zlib1g-dev)
tfs_require(MAGIC libmagic libmagic-dev)
tfs_require(SQLITE3 "sqlite3>=3.35" libsqlite3-dev)
tfs_require(CJSON libcjson libcjson-dev)
tfs_require(UTF8PROC libutf8proc libutf8proc-dev)
tfs_require(ISAL libisal libisal-dev)

# Programs only the tests run: the archive tests make zips with Info-ZIP zip, and
# slow a tgz pass down with strace to kill it mid-pass.
# test_xmp reads the .xmp sidecars back with ExifTool and checks them with xmllint.
find_program(TFS_STRACE_PROGRAM strace)
if(NOT TFS_STRACE_PROGRAM)
  message(WARNING "test_tgz_mount needs strace: install the Debian package 'strace' "
                  "(or run 'make deps' as root)")
endif()
find_program(TFS_ZIP_PROGRAM zip)
if(NOT TFS_ZIP_PROGRAM)
  message(WARNING "the archive tests need Info-ZIP zip: install the Debian package 'zip' "
                  "(or run 'make deps' as root)")
endif()
find_program(TFS_EXIFTOOL_PROGRAM exiftool)
find_program(TFS_XMLLINT_PROGRAM xmllint)
if(NOT TFS_EXIFTOOL_PROGRAM OR NOT TFS_XMLLINT_PROGRAM)
  message(WARNING "test_xmp needs exiftool and xmllint: install the Debian packages "
                  "'libimage-exiftool-perl' and 'libxml2-utils' (or run 'make deps' as root)")
endif()
