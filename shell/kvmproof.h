/* kvmproof.h - vessel-ok's proof that KVM works: create a VM and run a
 * few guest instructions in it.
 *
 * The steps are the ones vessel-vmm's KVM backend takes (vmm/kvm/kvm.c):
 * KVM_CREATE_VM, KVM_SET_TSS_ADDR, one memory slot, KVM_CREATE_VCPU, the
 * supported CPUID, then 64-bit long mode set up directly (page tables in
 * guest memory, the segments in KVM_SET_SREGS; no real mode, which a PVM
 * host does not run), and KVM_RUN over `mov $0x2a,%al; out %al,$0xe9;
 * hlt`: the port write must come out with 0x2a, then the HLT.  A VM that
 * does not get there within 5 seconds fails the proof. */
#ifndef VESSEL_KVMPROOF_H
#define VESSEL_KVMPROOF_H

#include <glib.h>

typedef enum {
    KVM_PROOF_USABLE,   /* the test VM ran to its HLT */
    KVM_PROOF_FAILS,    /* device present, but VM creation or running fails */
    KVM_PROOF_ABSENT,   /* no device */
    KVM_PROOF_LAST
} KvmProofResult;

/* Run the proof on @root/dev/kvm; *@why (if not NULL) gets a one-line
 * account: what ran, or which step failed and why. */
KvmProofResult kvm_proof_run(const char *root, char **why);

#endif
