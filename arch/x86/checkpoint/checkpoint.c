// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 checkpoint/restart: the CPU record, general registers and xstate,
 * and the vDSO.
 *
 * Registers and the FPU state are read and written through the same
 * regsets as ptrace and core dumps, on tasks parked off their CPU, so
 * restart() validates them exactly as PTRACE_SETREGSET would: segment
 * selectors, fs and gs bases, eflags, the XSAVE header and MXCSR.
 */
#include <linux/checkpoint.h>
#include <linux/crc32.h>
#include <linux/elf.h>
#include <linux/mm.h>
#include <linux/regset.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/user.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xstate.h>
#include <asm/segment.h>
#include <asm/vdso.h>

/* The xsave header, after the 512-byte legacy area, starts with xfeatures. */
#define CR_XSAVE_HDR_OFFSET	512

struct cr_arch_thread {
	struct cr_regs_x86_64	regs;
	void			*xstate;	/* fpu_user_cfg.max_size bytes */
};

static const struct user_regset *cr_regset(struct task_struct *t,
					   unsigned int note)
{
	const struct user_regset_view *view = task_user_regset_view(t);
	unsigned int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note)
			return &view->regsets[i];
	return NULL;
}

static u32 cr_vdso_csum(void)
{
	return crc32_le(0, vdso_image_64.data, vdso_image_64.size);
}

/**
 * cr_arch_write_cpu() - Write what the image needs of this CPU.
 * @ctx: A checkpoint context.
 *
 * The CR_CPU record: the xstate size and features, and the vDSO this kernel
 * maps, so that restart() can tell whether it can go on.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_arch_write_cpu(struct cr_ctx *ctx)
{
	struct cr_cpu_x86_64 cpu = {
		.xfeatures = fpu_user_cfg.max_features,
		.xstate_size = fpu_user_cfg.max_size,
		.vdso_size = vdso_image_64.size,
		.vdso_csum = cr_vdso_csum(),
	};

	if (!cpu_feature_enabled(X86_FEATURE_XSAVE))
		return cr_err(ctx, -EOPNOTSUPP, "the CPU has no XSAVE");
	return cr_write_rec(ctx, CR_CPU, &cpu, sizeof(cpu), NULL, 0);
}

/**
 * cr_arch_read_cpu() - Read the image's CR_CPU record and judge it.
 * @ctx: A restart context.
 *
 * Refuses a CPU without XSAVE and a bad xstate size, keeps the image's
 * xstate size, and notes whether the image's vDSO is this kernel's. The
 * features each thread uses are checked with its registers.
 *
 * Context: Process context, the restarter; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_arch_read_cpu(struct cr_ctx *ctx)
{
	struct cr_cpu_x86_64 cpu;
	int err;

	err = cr_read_rec(ctx, CR_CPU, &cpu, sizeof(cpu));
	if (err)
		return err;
	if (!cpu_feature_enabled(X86_FEATURE_XSAVE))
		return cr_err(ctx, -EOPNOTSUPP, "the CPU has no XSAVE");
	if (cpu.xstate_size < CR_XSAVE_HDR_OFFSET + 64 ||
	    cpu.xstate_size > 64 * 1024)
		return cr_err(ctx, -EINVAL, "bad xstate size %u", cpu.xstate_size);
	ctx->xstate_size = cpu.xstate_size;
	ctx->vdso_same = cpu.vdso_size == vdso_image_64.size &&
			 cpu.vdso_csum == cr_vdso_csum();
	return 0;
}

/**
 * cr_arch_task_unsupported() - What of @t the architecture cannot save.
 * @t: A task of the tree, parked.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: A reason (32-bit or x32 task, compat vDSO, ...), or NULL.
 */
const char *cr_arch_task_unsupported(struct task_struct *t)
{
	mm_context_t *mmc = &t->mm->context;

	if (test_tsk_thread_flag(t, TIF_ADDR32) ||
	    !user_64bit_mode(task_pt_regs(t)))
		return "is not a 64-bit task";
	if (test_tsk_thread_flag(t, TIF_IO_BITMAP) || t->thread.iopl_emul)
		return "uses ioperm() or iopl()";
	if (test_tsk_thread_flag(t, TIF_NOCPUID))
		return "has CPUID faulting";
	if (test_tsk_thread_flag(t, TIF_SSBD) ||
	    test_tsk_thread_flag(t, TIF_SPEC_IB))
		return "has speculation controls";
	if (t->group_leader->thread.fpu.perm.__state_perm &
	    XFEATURE_MASK_USER_DYNAMIC)
		return "was granted dynamic xstate (AMX)";
#ifdef CONFIG_X86_USER_SHADOW_STACK
	if (t->thread.features)
		return "has a shadow stack";
#endif
#ifdef CONFIG_MODIFY_LDT_SYSCALL
	if (READ_ONCE(mmc->ldt))
		return "has an LDT";
#endif
#ifdef CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS
	if (mmc->pkey_allocation_map != 1 || mmc->execute_only_pkey != -1)
		return "allocated memory protection keys";
#endif
#ifdef CONFIG_ADDRESS_MASKING
	if (mmc->lam_cr3_mask)
		return "uses linear address masking";
#endif
	if (mmc->vdso_image && mmc->vdso_image != &vdso_image_64)
		return "has a compat vDSO";
	return NULL;
}

/**
 * cr_arch_write_thread() - Write the registers of a thread.
 * @ctx: A checkpoint context.
 * @t: The thread, parked and off its CPU.
 *
 * Its general registers, segments and TLS, and its xstate in the XSAVE
 * layout with its features.
 *
 * Context: Process context, the checkpointer, with @t parked; may sleep.
 * Return: 0, or a negative errno.
 */
int cr_arch_write_thread(struct cr_ctx *ctx, struct task_struct *t)
{
	const struct user_regset *gr = cr_regset(t, NT_PRSTATUS);
	const struct user_regset *xr = cr_regset(t, NT_X86_XSTATE);
	unsigned int size = fpu_user_cfg.max_size;
	struct cr_regs_x86_64 regs;
	void *xstate;
	int err;

	BUILD_BUG_ON(sizeof(regs) != sizeof(struct user_regs_struct));
	if (!gr || !xr)
		return cr_err(ctx, -EOPNOTSUPP, "no register sets");
	err = regset_get(t, gr, sizeof(regs), &regs);
	if (err < 0)
		return cr_err(ctx, err, "cannot read the registers of pid %d",
			      task_pid_vnr(t));
	if (t == current) {
		/* The copy returns from checkpoint() with this. */
		regs.ax = CHECKPOINT_RESTARTED;
		regs.orig_ax = -1;
	}
	xstate = kvzalloc(size, GFP_KERNEL);
	if (!xstate)
		return -ENOMEM;
	err = regset_get(t, xr, size, xstate);
	if (err < 0)
		err = cr_err(ctx, err, "cannot read the FPU state of pid %d",
			     task_pid_vnr(t));
	else
		err = cr_write_rec(ctx, CR_REGS, &regs, sizeof(regs), NULL, 0) ?:
		      cr_write_rec(ctx, CR_XSTATE, xstate, size, NULL, 0);
	kvfree(xstate);
	return err;
}

/**
 * cr_arch_read_thread() - Read the registers of a restored thread.
 * @ctx: A restart context.
 * @tc: The thread, which reads its own records.
 *
 * They are checked and kept in @tc for cr_arch_restore_thread(), which
 * installs them once the whole tree is made; xstate features this CPU lacks
 * are refused.
 *
 * Context: Process context, the restored task, reading its own records; may
 * sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_arch_read_thread(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	unsigned int size = fpu_user_cfg.max_size;
	struct cr_arch_thread *a;
	size_t extra;
	u64 features;
	int err;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	tc->arch = a;
	a->xstate = kvzalloc(max(size, ctx->xstate_size), GFP_KERNEL);
	if (!a->xstate)
		return -ENOMEM;
	err = cr_read_rec(ctx, CR_REGS, &a->regs, sizeof(a->regs)) ?:
	      cr_read_rec_var(ctx, CR_XSTATE, a->xstate, 0, &extra);
	if (err)
		return err;
	if (extra != ctx->xstate_size)
		return cr_err(ctx, -EINVAL, "bad xstate record");
	err = cr_read(ctx, a->xstate, extra);
	if (err)
		return err;

	if (a->regs.cs != __USER_CS || a->regs.ss != __USER_DS)
		return cr_err(ctx, -EOPNOTSUPP, "not a 64-bit task");
	features = *(u64 *)(a->xstate + CR_XSAVE_HDR_OFFSET);
	if (features & ~fpu_user_cfg.max_features)
		return cr_err(ctx, -EOPNOTSUPP,
			      "the task uses CPU features %#llx this CPU lacks",
			      features & ~fpu_user_cfg.max_features);
	/* Features the task uses fit in the first fpu_user_cfg.max_size bytes. */
	return 0;
}

/**
 * cr_arch_restore_thread() - Install the registers read by cr_arch_read_thread().
 * @ctx: A restart context.
 * @tc: The thread, parked.
 *
 * Context: Process context, the restarter, with the thread parked; may
 * sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_arch_restore_thread(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	struct task_struct *t = tc->task;
	const struct user_regset *gr = cr_regset(t, NT_PRSTATUS);
	const struct user_regset *xr = cr_regset(t, NT_X86_XSTATE);
	struct cr_arch_thread *a = tc->arch;
	int err;

	if (!gr || !xr || !a)
		return -EINVAL;
	err = gr->set(t, gr, 0, sizeof(a->regs), &a->regs, NULL);
	if (err)
		return cr_err(ctx, err, "bad registers in the image");
	err = xr->set(t, xr, 0, fpu_user_cfg.max_size, a->xstate, NULL);
	if (err)
		return cr_err(ctx, err, "bad FPU state in the image");
	return 0;
}

/**
 * cr_arch_free_thread() - Free what cr_arch_read_thread() kept.
 * @tc: A thread of a restart context.
 *
 * Context: Process context; may sleep.
 */
void cr_arch_free_thread(struct cr_task_ctx *tc)
{
	struct cr_arch_thread *a = tc->arch;

	if (a) {
		kvfree(a->xstate);
		kfree(a);
	}
	tc->arch = NULL;
}

/**
 * cr_arch_vma_is_vdso() - Is @vma the vDSO text or its data?
 * @vma: A mapping of a task of the tree.
 * @text: Set to whether it is the text.
 *
 * Neither is saved: restart() maps this kernel's.
 *
 * Context: Process context, with the mm's mmap lock held.
 * Return: Whether @vma is one of them.
 */
bool cr_arch_vma_is_vdso(struct vm_area_struct *vma, bool *text)
{
	const char *name;

	if (vma->vm_file || !vma->vm_ops || !vma->vm_ops->name)
		return false;
	name = vma->vm_ops->name(vma);
	if (!name)
		return false;
	*text = !strcmp(name, "[vdso]");
	return *text || !strcmp(name, "[vvar]");
}

/**
 * cr_arch_restore_vdso() - Map the vDSO where the image had it.
 * @ctx: A restart context.
 * @addr: Where the image had the vDSO text.
 *
 * The text at @addr and its data before it, in current's new mm.
 *
 * Context: Process context, the restored task, reading its own records; may
 * sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_arch_restore_vdso(struct cr_ctx *ctx, unsigned long addr)
{
	long vvar = addr + vdso_image_64.sym_vvar_start;
	int err;

	if (!ctx->vdso_same)
		return cr_err(ctx, -EOPNOTSUPP,
			      "the image's vDSO differs from this kernel's");
	if (vvar <= 0)
		return cr_err(ctx, -EINVAL, "bad vDSO address %#lx", addr);
	err = map_vdso_once(&vdso_image_64, vvar);
	if (err)
		return cr_err(ctx, err, "cannot map the vDSO at %#lx", addr);
	return 0;
}
