# The two commands: `make demo` builds and runs the autograd walkthrough
# and the spiral classifier (its two SVG pictures go to $(BUILD)/),
# `make test` builds everything and runs every test through ctest. Both
# first install what a fresh Debian machine lacks (tools/setup-deps; as
# root, or they print the apt-get line to run). `make install
# PREFIX=/some/dir` installs the header, libraries, pkg-config files and
# CMake package (built without tests or test hooks, in build-install/);
# `make bench` prints issue 10's table: each workload against its
# baselines (PyTorch, libtorch, hand-written C, cblas_sgemm, memory
# bandwidth), all in one run (docs/performance.md); `make fuzz` fuzzes for
# FUZZ_SECONDS.
#   SANITIZE=address,undefined   build and test under sanitizers
#   BUILD=dir                    build directory (default build, or build-<sanitizers>)

PREFIX   ?= /usr/local
FUZZ_SECONDS ?= 60
SANITIZE ?=
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
BUILD    ?= $(if $(SANITIZE),build-$(subst $(comma),-,$(SANITIZE)),build)
comma    := ,
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTG_SANITIZE=$(SANITIZE) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

.PHONY: all demo test install bench fuzz clean

all: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

$(BUILD)/Makefile: CMakeLists.txt
	sh tools/setup-deps build
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

demo: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS) --target autograd_tour mlp_spirals
	./$(BUILD)/examples/autograd_tour
	./$(BUILD)/examples/mlp_spirals $(BUILD)/spirals_loss.svg $(BUILD)/spirals_regions.svg

# (what the tests need is installed before configuring, so that CMake
# finds MPI for tensorgrad_dist)
test:
	sh tools/setup-deps test
	$(MAKE) --no-print-directory all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

install:
	sh tools/setup-deps build
	cmake -S . -B build-install -DCMAKE_BUILD_TYPE=Release -DTG_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build build-install -j $(JOBS)
	cmake --install build-install

# (configured again so that a libtorch installed just now is found)
bench:
	sh tools/setup-deps bench || echo "make bench: going on without them; run.sh notes the baselines it skips"
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) > /dev/null
	$(MAKE) --no-print-directory all
	sh bench/run.sh $(BUILD)

fuzz:
	sh fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build build-*
