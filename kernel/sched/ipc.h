/*
 * IPC, semaphores with timeouts, faults as calls, recall, and what happens
 * when objects die: the state machine over struct obj_ec's runtime fields
 * (abi/vireo/ipc.h gives the user's view). Every function sets the results
 * of the ECs it affects through rt_set_result() and keeps the scheduler's
 * queues true (sched_update). Pure: host-tested.
 */
#ifndef KERNEL_SCHED_IPC_H
#define KERNEL_SCHED_IPC_H

#include "../obj/obj.h"

/* The syscalls, made by ec (the EC whose syscall this is). */
void ipc_call(struct obj_ec *ec, u64 pt_sel, u64 words);
void ipc_reply_wait(struct obj_ec *ec, u64 words);
void ipc_sm_ctrl(struct obj_ec *ec, u64 sm_sel, u64 op, u64 timeout_us);
void ipc_ec_recall(struct obj_ec *ec, u64 target_sel);
/* An up of sm by the kernel itself (a device event): wakes the longest
 * waiter, else counts up (VIREO_E_BUSY at the maximum). */
enum vireo_status ipc_sm_signal(struct obj_sm *sm);

/* The kernel calls ec's fault portal for it (an exception, exit, recall);
 * without a usable one ec is stopped for good. */
void ipc_fault(struct obj_ec *ec, u32 kind, u32 vector, u64 error, u64 address);
/* vCPU ec exits: the kernel calls the portal at selector pt_sel of ec's
 * (VM) PD for it, with the portal's MTD in ec->exit_mtd; without a usable
 * portal there ec is stopped for good (logged). */
void ipc_vcpu_exit(struct obj_ec *ec, u64 pt_sel);
/* Before ec returns to user mode: delivers a pending recall. Returns false
 * if ec blocked doing so (pick again). */
bool ipc_before_resume(struct obj_ec *ec);
/* Expired SM timeouts up to now. */
void ipc_expire(u64 now_us);

/* Stops ec for good: out of every queue, its callers aborted. */
void ipc_ec_stop(struct obj_ec *ec);
/* Registers a new EC with its PD (pd->ecs). */
void ipc_ec_created(struct obj_ec *ec);
/* object_dying for each type. */
void ipc_object_dying(struct obj_header *obj);

#endif
