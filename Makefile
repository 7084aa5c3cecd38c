# SPDX-License-Identifier: GPL-2.0
#
# make          build l4lb.ko and tools/ipvsctl/ipvsctl
# make test     host unit tests, then the VM integration suites
# make demo     boot the VM and show live load-balanced services
# make check    checkpatch.pl and sparse
# make bench    l4lb against in-tree ip_vs and plain routing (not in test)
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

.PHONY: all module module-debug cli fuzz clean check test soak demo bench setup

all: module cli

$(SETUP_STAMP): scripts/setup
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

cli: $(SETUP_STAMP)
	$(MAKE) -C tools/ipvsctl

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/ipvsctl clean
	$(MAKE) -C tests/fuzz clean
	rm -rf $(DEBUG_DIR)

fuzz: $(SETUP_STAMP)
	$(MAKE) -C tests/fuzz

test: all module-debug fuzz
	tests/run

# The fuzz suite at full size (make test runs a CI-sized one).
soak: all fuzz
	scripts/vm-run -- env FUZZ_GENL_COUNT=1000000 FUZZ_PKT_COUNT=1000000 \
		tests/vm/fuzz.sh

# Not part of make test: up to ~30 minutes. See docs/benchmarks/README.md.
bench: all
	scripts/bench

demo: all
	scripts/vm-run -- sh -c 'scripts/demo && scripts/demo-modes'

check: $(SETUP_STAMP)
	scripts/check
