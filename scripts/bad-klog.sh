# SPDX-License-Identifier: GPL-2.0
#
# scripts/bad-klog.sh - the kernel log lines that mean the kernel is
# unhappy, as one extended regular expression (grep -E) in BAD_KLOG. The
# only copy: scripts/vm-run judges a whole VM run with it and tests/vm/lib.sh
# (klog_check) each test case; both source this file. tests/unit/run.sh
# checks that neither keeps a list of its own.
#
# Sourced, not run; it only sets BAD_KLOG. grep -E syntax (\b is a word
# boundary): awk would read \b as a backspace.

BAD_KLOG='\bBUG\b|WARNING:|Oops|general protection fault|Call Trace|Objects remaining'
# slub_debug (the VM boots with slub_debug=FZPU): "Left/Right Redzone
# overwritten" and the Redzone lines of its object dumps, "Poison
# overwritten", "Object padding overwritten", "Padding overwritten" (slab
# tail), "Freepointer corrupt", "Object already free", "Freechain corrupt".
BAD_KLOG+='|Redzone|Poison overwritten|[Pp]adding overwritten'
BAD_KLOG+='|Freepointer corrupt|Object already free|Freechain corrupt'
BAD_KLOG+='|INFO: |refcount_t:|list_(add|del) corruption|detected stalls|self-detected stall|soft lockup'
BAD_KLOG+='|hard LOCKUP|blocked for more than|UBSAN|double free|use-after-free'
BAD_KLOG+='|Unable to handle|unreferenced object|stack-protector|Kernel panic'
# The debug kernel's checkers (most also print a BUG: or WARNING: line).
BAD_KLOG+='|KASAN|circular locking|inconsistent lock state|suspicious RCU usage'
BAD_KLOG+='|possible recursive locking|ODEBUG|leaked reference|unregister_netdevice: waiting'
