// SPDX-License-Identifier: GPL-2.0
/*
 * Objects shared between tasks - an mm, an fd table, an open file - are
 * written to the image once, under an object id (objref), and referred to
 * by that id afterwards.
 *
 * checkpoint() finds them by their kernel pointer, holding a reference on
 * each file so that its address cannot be reused while the image is being
 * written. restart() finds them by objref; objrefs must appear in the image
 * in increasing order, each one exactly once.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>

#include "internal.h"

struct cr_obj {
	struct hlist_node	hash;
	void			*ptr;
	u32			objref;
	enum cr_obj_type	type;
};

static void cr_obj_get_file(void *ptr)
{
	get_file(ptr);
}

static void cr_obj_fput(void *ptr)
{
	fput(ptr);
}

/*
 * Each kind of object: its name, and what the context holds of it. At
 * checkpoint a file is held, so that its address is not reused while the
 * image is written; at restart the context holds what was made again.
 */
static const struct {
	const char	*name;
	void		(*get)(void *ptr);		/* checkpoint */
	void		(*put)(void *ptr);		/* checkpoint */
	void		(*put_made)(void *ptr);		/* restart */
} cr_obj_kinds[] = {
	[CR_OBJ_FILE]		= { "file", cr_obj_get_file, cr_obj_fput,
				    cr_obj_fput },
	[CR_OBJ_MM]		= { "address space" },
	[CR_OBJ_FILES]		= { "fd table" },
	[CR_OBJ_FS]		= { "cwd and root" },
	[CR_OBJ_SIGHAND]	= { "set of signal handlers" },
	[CR_OBJ_PIPE]		= { "pipe", NULL, NULL, cr_put_pipe_ends },
	[CR_OBJ_INODE]		= { "deleted file" },
	[CR_OBJ_SHMEM]		= { "shared memory object", NULL, NULL,
				    cr_obj_fput },
	[CR_OBJ_SOCK]		= { "socket" },
	[CR_OBJ_SHM_ATTACH]	= { "SysV shared memory attachment",
				    cr_obj_get_file, cr_obj_fput, cr_obj_fput },
};

/* Drop what the context holds of the object, and the object. */
static void cr_obj_put(struct cr_obj *obj, bool restart)
{
	void (*put)(void *ptr) = restart ? cr_obj_kinds[obj->type].put_made :
					   cr_obj_kinds[obj->type].put;

	if (put)
		put(obj->ptr);
	kfree(obj);
}

/**
 * cr_obj_lookup() - Find the objref of a checkpointed object.
 * @ctx: A checkpoint context.
 * @ptr: The object's kernel pointer.
 *
 * Context: Process context, the checkpointer.
 * Return: Its objref, or 0 if it has not been written yet.
 */
u32 cr_obj_lookup(struct cr_ctx *ctx, void *ptr)
{
	struct cr_obj *obj;

	hash_for_each_possible(ctx->obj_hash, obj, hash, (unsigned long)ptr)
		if (obj->ptr == ptr)
			return obj->objref;
	return 0;
}

/* checkpoint: give @ptr @objref. */
static int cr_obj_hash(struct cr_ctx *ctx, void *ptr, enum cr_obj_type type,
		       u32 objref)
{
	struct cr_obj *obj = kzalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return -ENOMEM;
	if (cr_obj_kinds[type].get)
		cr_obj_kinds[type].get(ptr);
	obj->ptr = ptr;
	obj->type = type;
	obj->objref = objref;
	hash_add(ctx->obj_hash, &obj->hash, (unsigned long)ptr);
	return 0;
}

/**
 * cr_obj_add() - Give an object about to be written the next objref.
 * @ctx: A checkpoint context.
 * @ptr: The object's kernel pointer.
 * @type: Its type; a file (CR_OBJ_FILE, CR_OBJ_SHM_ATTACH) is held by the
 *	context until it is freed, so that its address is not reused: see
 *	cr_obj_kinds[].
 * @objref: Set to its objref.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0 or -ENOMEM.
 */
int cr_obj_add(struct cr_ctx *ctx, void *ptr, enum cr_obj_type type,
	       u32 *objref)
{
	int err = cr_obj_hash(ctx, ptr, type, ctx->last_objref + 1);

	if (!err)
		*objref = ++ctx->last_objref;
	return err;
}

/**
 * cr_obj_add_as() - Give an object an objref handed out ahead.
 * @ctx: A checkpoint context.
 * @ptr: The object's kernel pointer.
 * @type: Its type, as for cr_obj_add().
 * @objref: The objref, given before the object was met: to a socket's
 *	peer, met with the socket before its own file.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0 or -ENOMEM.
 */
int cr_obj_add_as(struct cr_ctx *ctx, void *ptr, enum cr_obj_type type,
		  u32 objref)
{
	return cr_obj_hash(ctx, ptr, type, objref);
}

/**
 * cr_obj_insert() - Record an object made again at restart.
 * @ctx: A restart context.
 * @objref: Its objref in the image.
 * @type: Its type.
 * @ptr: The object; the caller's reference passes to the context.
 *
 * Context: Process context, the task reading the image; may sleep.
 * Return: 0; on error, which keeps the reference the caller's, -EINVAL
 * with its reason for objref 0 or one defined twice, or -ENOMEM.
 */
int cr_obj_insert(struct cr_ctx *ctx, u32 objref, enum cr_obj_type type,
		  void *ptr)
{
	struct cr_obj *obj;
	int err;

	if (!objref)
		return cr_err(ctx, -EINVAL, "object 0 in the image");
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->ptr = ptr;
	obj->type = type;
	obj->objref = objref;
	err = xa_insert(&ctx->objs, objref, obj, GFP_KERNEL);
	if (err) {
		kfree(obj);
		if (err == -EBUSY)
			return cr_err(ctx, -EINVAL, "object %u defined twice", objref);
	}
	return err;
}

/**
 * cr_obj_find() - Find an object of the image made again at restart.
 * @ctx: A restart context.
 * @objref: Its objref, as a record refers to it.
 * @type: The type it must have.
 *
 * Context: Process context, any task of the restart.
 * Return: The object, still the context's, or NULL with the reason given
 * if the image has no such object of that type.
 */
void *cr_obj_find(struct cr_ctx *ctx, u32 objref, enum cr_obj_type type)
{
	struct cr_obj *obj = xa_load(&ctx->objs, objref);

	if (!obj || obj->type != type) {
		cr_err(ctx, -EINVAL, "object %u is not in the image, as a %s",
		       objref, cr_obj_kinds[type].name);
		return NULL;
	}
	return obj->ptr;
}

/**
 * cr_obj_release_all() - Drop every object of a context.
 * @ctx: The context, being freed.
 *
 * Context: Process context; may sleep.
 */
void cr_obj_release_all(struct cr_ctx *ctx)
{
	struct hlist_node *tmp;
	struct cr_obj *obj;
	unsigned long i;
	int bkt;

	hash_for_each_safe(ctx->obj_hash, bkt, tmp, obj, hash) {
		hash_del(&obj->hash);
		cr_obj_put(obj, false);
	}
	xa_for_each(&ctx->objs, i, obj)
		cr_obj_put(obj, true);
	xa_destroy(&ctx->objs);
}
