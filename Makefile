# The two commands: `make demo` runs the autograd walkthrough, `make test`
# builds everything and runs every test through ctest. `make install
# PREFIX=/some/dir` installs the header, libraries and tensorgrad.pc.
#   SANITIZE=address,undefined   build and test under sanitizers
#   BUILD=dir                    build directory (default build, or build-<sanitizers>)

PREFIX   ?= /usr/local
SANITIZE ?=
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
BUILD    ?= $(if $(SANITIZE),build-$(subst $(comma),-,$(SANITIZE)),build)
comma    := ,
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTG_SANITIZE=$(SANITIZE) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

.PHONY: all demo test install bench clean

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

clean:
	rm -rf build build-*
