# Thin wrapper over CMake: the two quick-start commands (make demo, make test)
# and the developer conveniences. Everything real lives in CMakeLists.txt.

BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

# Debian 12 packages the build, the tests, the demo and the benchmarks need.
DEB_PACKAGES = build-essential cmake pkg-config clang libclang-rt-14-dev \
	libfuse3-dev fuse3 libexif-dev zlib1g-dev libmagic-dev libsqlite3-dev sqlite3 \
	libcjson-dev libutf8proc-dev libisal-dev jq rsync groff-base man-db file python3 valgrind zip \
	isal pigz strace libimage-exiftool-perl libxml2-utils

# What only the benchmarks need: their baselines.
BENCH_PACKAGES = bindfs

.PHONY: all deps bench-deps build build-asan test test-fast demo demo-stop bench fuzz format clean

all: build

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "deps: missing packages; run: sudo apt-get install -y $$missing" >&2; exit 1; \
	fi; \
	echo "deps: installing $$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $$missing >/dev/null

bench-deps:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) $(BENCH_PACKAGES)"

$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS)

build-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DTFS_SANITIZE=ON
	cmake --build $(BUILD_ASAN) -j$(JOBS)

# The whole suite, then again under AddressSanitizer + UndefinedBehaviorSanitizer.
test: build build-asan
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)
	ctest --test-dir $(BUILD_ASAN) --output-on-failure -j$(JOBS)

test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

DEMO_SRC = demo-takeout
DEMO_MNT = demo-mnt
DEMO_DB  = $(abspath $(BUILD))/demo.sqlite

demo: build
	@./tests/demo.sh "$(BUILD)" "$(DEMO_SRC)" "$(DEMO_MNT)" "$(DEMO_DB)"

demo-stop:
	-fusermount3 -u $(DEMO_MNT)

bench: bench-deps build
	./bench/run_all.sh $(BUILD)

fuzz:
	./bench/fuzz.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	-fusermount3 -u $(DEMO_MNT) 2>/dev/null
	rm -rf $(BUILD) $(BUILD_ASAN) $(DEMO_SRC) $(DEMO_MNT)
