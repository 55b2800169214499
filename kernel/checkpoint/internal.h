/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of kernel/checkpoint/ share, and no other: the syscalls,
 * the walks, parking and the tree. What the parts elsewhere (fs, mm, ipc,
 * net, the LSM, the architecture) use is in <linux/checkpoint.h>.
 */
#ifndef _KERNEL_CHECKPOINT_INTERNAL_H
#define _KERNEL_CHECKPOINT_INTERNAL_H

#include <linux/checkpoint.h>

/*
 * Does @tc hold its own object @i (enum cr_tree_obj), which its records
 * define, rather than its creator's?
 */
static inline bool cr_own(const struct cr_task_ctx *tc, enum cr_tree_obj i)
{
	return !tc->creator || tc->tt.obj[i] != tc->creator->tt.obj[i];
}

/* sys.c: the context, image I/O and the parts */
void cr_ctx_put(struct cr_ctx *ctx);
int cr_flush(struct cr_ctx *ctx);
int cr_read_hdr(struct cr_ctx *ctx, struct cr_hdr *hdr);
int cr_parts_check(struct cr_ctx *ctx);
int cr_parts_finish(struct cr_ctx *ctx);

/* checkpoint.c and restart.c */
long do_checkpoint(struct cr_ctx *ctx, pid_t pid);
long do_restart(struct cr_ctx *ctx, pid_t pid);

/* park.c */
int cr_park_task(struct cr_ctx *ctx, struct cr_task_ctx *tc,
		 struct task_struct *task);
int cr_wait_parked(struct cr_ctx *ctx);
void cr_release_parked(struct cr_ctx *ctx);

/* tree.c */
int cr_check_tree_shape(struct cr_ctx *ctx);
bool cr_last_thread(struct cr_ctx *ctx, struct cr_task_ctx *tc);
struct cr_task_ctx *cr_task_ctx_alloc(struct cr_ctx *ctx);
void cr_task_ctx_free_all(struct cr_ctx *ctx);

/* objhash.c */
void cr_obj_release_all(struct cr_ctx *ctx);

/* signal.c */
int cr_write_sighand(struct cr_ctx *ctx, struct task_struct *t, u32 objref);
int cr_restore_sighand(struct cr_ctx *ctx, u32 objref);
int cr_write_thread(struct cr_ctx *ctx, struct task_struct *t);
int cr_restore_thread(struct cr_ctx *ctx, struct cr_task_ctx *tc);
int cr_write_signal(struct cr_ctx *ctx, struct task_struct *t);
struct task_struct *cr_restored_task(struct cr_ctx *ctx, pid_t pid);
int cr_restore_signal(struct cr_ctx *ctx);
bool cr_sched_policy_supported(unsigned int policy);

/* support.c */
const char *cr_task_ns_unsupported(struct task_struct *t);

#endif /* _KERNEL_CHECKPOINT_INTERNAL_H */
