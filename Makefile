# SPDX-License-Identifier: GPL-2.0
#
# make          build l4lb.ko and tools/ipvsctl/ipvsctl
# make test     host unit tests, then the VM integration suites
# make demo     boot the VM and show live load-balanced services
# make check    checkpatch.pl and sparse
# make check-debug
#               the VM suites under a debug kernel (KASAN, lockdep, kmemleak,
#               UBSAN...: scripts/debug-kernel); CHECK_DEBUG=ci runs the CI
#               subset (not in test)
# make bench    l4lb against in-tree ip_vs and plain routing (not in test)
# make soak     the fuzz and fault suites at full size (not in test)
#
# The module builds against /lib/modules/$(uname -r)/build when that
# exists, else against the headers of the Debian kernel that scripts/setup
# installed for the QEMU guest.

# Recursive (=): evaluated when used, after setup has run.
VM_KVER = $(shell cat build/vm/kver 2>/dev/null)
ifneq ($(wildcard /lib/modules/$(shell uname -r)/build),)
KDIR ?= /lib/modules/$(shell uname -r)/build
else
KDIR ?= /usr/src/linux-headers-$(VM_KVER)
endif

# scripts/setup records the guest kernel last; it is quick to re-run.
SETUP_STAMP := build/vm/kver
DEBUG_DIR := build/debug
DEBUGK_DIR := build/debugk

.PHONY: all module module-debug cli fuzz clean check test soak demo bench setup
.PHONY: debugk module-debugk check-debug

all: module cli

$(SETUP_STAMP): scripts/setup scripts/deps
	scripts/setup
	@touch $@

setup: $(SETUP_STAMP)

module: $(SETUP_STAMP)
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# Selftest build (L4LB_DEBUG=1) in its own tree, beside the normal one.
module-debug: $(SETUP_STAMP)
	mkdir -p $(DEBUG_DIR)
	cp -a Kbuild VERSION src include $(DEBUG_DIR)/
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(DEBUG_DIR) W=1 L4LB_DEBUG=1 modules

# The debug kernel (scripts/debug-kernel rebuilds it only when its config
# fragment or the script changed) and l4lb.ko built against it, in its own
# tree, with the selftests: scripts/vm-run --kernel debug loads that one.
debugk: $(SETUP_STAMP)
	scripts/debug-kernel

module-debugk: debugk
	mkdir -p $(DEBUGK_DIR)/module/src
	cp -a Kbuild VERSION include $(DEBUGK_DIR)/module/
	cp -a src/*.c src/*.h $(DEBUGK_DIR)/module/src/
	$(MAKE) -C $(DEBUGK_DIR)/linux M=$(CURDIR)/$(DEBUGK_DIR)/module W=1 \
		L4LB_DEBUG=1 modules

cli: $(SETUP_STAMP)
	$(MAKE) -C tools/ipvsctl

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/ipvsctl clean
	$(MAKE) -C tests/fuzz clean
	rm -rf $(DEBUG_DIR) $(DEBUGK_DIR)/module

fuzz: $(SETUP_STAMP)
	$(MAKE) -C tests/fuzz

test: all module-debug fuzz
	tests/run

# The fuzz and faults suites at full size (make test runs CI-sized ones).
soak: all fuzz
	scripts/vm-run -- env FUZZ_GENL_COUNT=1000000 FUZZ_PKT_COUNT=5000000 \
		tests/vm/fuzz.sh
	scripts/vm-run -- env FAULTS_LONG=1 tests/vm/faults.sh

# Not part of make test: up to ~35 minutes (IPv4 and IPv6 rows). See docs/benchmarks/README.md.
bench: all
	scripts/bench

demo: all
	scripts/vm-run -- sh -c 'scripts/demo && scripts/demo-modes'

check: $(SETUP_STAMP)
	scripts/check

# The suites under the debug kernel, about 5x slower than on Debian's: all
# of them (a couple of hours), or with CHECK_DEBUG=ci the CI subset (about
# 25 minutes on a busy 2-core machine, plus the kernel build the first time).
# See README.md, "How it is tested".
CHECK_DEBUG ?= all
check-debug: all fuzz module-debugk
	scripts/check-debug $(CHECK_DEBUG)
