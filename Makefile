# The two commands: `make demo` runs the autograd walkthrough, `make test`
# builds everything and runs every test through ctest. `make install
# PREFIX=/some/dir` installs the header, libraries and tensorgrad.pc; `make
# bench` compares speed with PyTorch; `make fuzz` fuzzes for FUZZ_SECONDS.
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
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

demo: all
	./$(BUILD)/examples/autograd_tour

test: all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

install: $(BUILD)/Makefile
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	cmake --install $(BUILD)

bench: all
	sh bench/run.sh $(BUILD)

fuzz:
	sh fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build build-*
