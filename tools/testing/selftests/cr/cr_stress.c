// SPDX-License-Identifier: GPL-2.0
/*
 * Rounds of checkpoint and restart of trees of several shapes, each with
 * one task killed at a random moment: the target, the checkpointer, the
 * restarter, a restored task, or none. Every round must end cleanly:
 * checkpoint() and restart() succeed or fail with the error a kill
 * explains, a target that was not killed goes on intact, a restored tree
 * runs as the original would, and no task is left behind. The kernel's
 * own checks (KASAN, lockdep, kmemleak) watch the rest.
 *
 * CR_STRESS_ROUNDS in the environment sets the number of rounds (20 by
 * default), CR_STRESS_SEED the seed; "make stress ROUNDS=N" runs N.
 */
#include "../kselftest_harness.h"
#include "cr_util.h"
#include "cr_shapes.h"

enum victim { NOBODY, TARGET, CHECKPOINTER, RESTARTER, RESTORED, NR_VICTIMS };

static const char *const victim_name[] = {
	"none", "target", "checkpointer", "restarter", "restored task",
};

/* A process that calls restart(), says what it returned, and waits. */
static pid_t restarter(struct cr_files *f, int report)
{
	pid_t pid = fork();

	if (!pid) {
		long ret = sys_restart(0, f->img, RESTART_PIDS, f->logfd);
		int status;

		if (ret < 0)
			ret = -errno;
		if (write(report, &ret, sizeof(ret)) != sizeof(ret) || ret < 0)
			_exit(100);
		if (waitpid(ret, &status, __WALL) != ret)
			_exit(101);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) :
					  128 + WTERMSIG(status));
	}
	return pid;
}

struct stats {
	unsigned int rounds, restarted, refused[NR_VICTIMS];
	unsigned int by_errno[256];
};

/* Kill @pid after a random time of up to @ms. */
static void kill_later(pid_t pid, long ms)
{
	usleep((rand() % (ms + 1)) * 1000);
	kill(pid, SIGKILL);
}

/* One round; 0, or a line saying what went wrong in @why. */
static int round_of(struct __test_metadata *_metadata, struct cr_files *f,
		    enum shape s, enum victim v, long cp_ms, long rs_ms,
		    struct stats *st, char *why, size_t len)
{
	int report[2], status, err;
	pid_t target, cp, rs, victim;
	long ret = 0;

	unlink(f->go);
	target = fork();
	if (!target) {
		cr_child_init();
		_exit(shape_fn[s](f->go));
	}
	if (cr_wait_child_ready(f->go, target, &status)) {
		snprintf(why, len, "the target failed to start: %#x", status);
		return -1;
	}
	lseek(f->img, 0, SEEK_SET);
	ftruncate(f->img, 0);
	ftruncate(f->logfd, 0);
	/*
	 * A checkpointer killed just after it killed the tree would look
	 * like one killed while it wrote: when it is the victim, it leaves
	 * the tree running, and the test kills the tree once it is saved.
	 */
	cp = fork();
	if (!cp)
		_exit(sys_checkpoint(target, f->img,
				     v == CHECKPOINTER ? 0 : CHECKPOINT_KILL,
				     f->logfd) ? errno : 0);
	if (v == TARGET)
		kill_later(target, cp_ms);
	else if (v == CHECKPOINTER)
		kill_later(cp, cp_ms);
	waitpid(cp, &status, 0);
	err = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);

	if (err) {
		/* Only the kill explains a failure, and the target is whole. */
		st->refused[v]++;
		st->by_errno[err > 0 ? err : 0]++;
		if (v == TARGET && err == ESRCH) {
			waitpid(target, &status, 0);
			return 0;
		}
		if (v == CHECKPOINTER && err == -SIGKILL) {
			cr_go(f->go);
			if (cr_wait_exit(target) == CR_OK)
				return 0;
			snprintf(why, len, "the target was harmed");
			return -1;
		}
		snprintf(why, len, "checkpoint: %d: %.400s", err, cr_log(f));
		kill(target, SIGKILL);
		waitpid(target, NULL, 0);
		return -1;
	}
	/* Saved and killed, all of it: its pids are free again. */
	if (v == CHECKPOINTER)
		kill(target, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0)
		;
	if (v == TARGET || v == CHECKPOINTER)
		v = NOBODY;

	lseek(f->img, 0, SEEK_SET);
	if (pipe(report))
		return -1;
	rs = restarter(f, report[1]);
	close(report[1]);
	if (v == RESTARTER) {
		kill_later(rs, rs_ms);
	} else if (v == RESTORED) {
		usleep((rand() % (rs_ms + 1)) * 1000);
		if (!cr_children_of(rs, &victim, 1) || kill(victim, SIGKILL))
			v = NOBODY;
	}
	if (read(report[0], &ret, sizeof(ret)) != sizeof(ret))
		ret = v == RESTARTER ? -EINTR : -EIO;
	close(report[0]);
	/*
	 * A restarter killed once its tree is released dies before it says
	 * so: the tree lives, an orphan of ours, and ends once it goes on.
	 */
	if (v == RESTARTER && ret == -EINTR)
		cr_go(f->go);
	if (ret > 0) {
		st->restarted++;
		cr_go(f->go);
	}
	waitpid(rs, &status, 0);
	if (ret > 0 && v == NOBODY &&
	    (!WIFEXITED(status) || WEXITSTATUS(status) != CR_OK)) {
		snprintf(why, len, "the restored %s exited with %#x",
			 shape_name[s], status);
		return -1;
	}
	if (ret < 0) {
		st->refused[v]++;
		st->by_errno[-ret < 256 ? -ret : 0]++;
		/* A killed restarter reports nothing: see above. */
		if (v == NOBODY || (v == RESTORED && ret != -ESRCH) ||
		    (v == RESTARTER && ret != -EINTR)) {
			snprintf(why, len, "restart: %ld: %.400s", ret, cr_log(f));
			return -1;
		}
	}
	return 0;
}

FIXTURE(slow) {};
FIXTURE_SETUP(slow) {}
FIXTURE_TEARDOWN(slow) {}

/* As long as the rounds take: the runner's timeout bounds it. */
TEST_F_TIMEOUT(slow, random_kills_end_cleanly, 86400)
{
	const char *env = getenv("CR_STRESS_ROUNDS");
	unsigned int rounds = env ? atoi(env) : 20, i, seed;
	long cp_ms[NR_SHAPES], rs_ms[NR_SHAPES];
	struct stats st = {};
	struct cr_files f;
	char why[512];

	env = getenv("CR_STRESS_SEED");
	seed = env ? atoi(env) : cr_now_ms();
	srand(seed);
	TH_LOG("seed %u, %u rounds", seed, rounds);
	cr_be_subreaper();
	cr_files_init(&f, "stress");

	/* How long each phase takes, for each shape, with no kill. */
	for (i = 0; i < NR_SHAPES; i++) {
		long t0 = cr_now_ms();

		ASSERT_EQ(round_of(_metadata, &f, i, NOBODY, 0, 0, &st, why,
				   sizeof(why)), 0) TH_LOG("%s", why);
		cp_ms[i] = (cr_now_ms() - t0) / 2 + 1;
		rs_ms[i] = cp_ms[i];
		ASSERT_TRUE(cr_all_gone(false));
	}
	for (i = 0; i < rounds; i++) {
		enum shape s = rand() % NR_SHAPES;
		enum victim v = rand() % NR_VICTIMS;

		st.rounds++;
		ASSERT_EQ(round_of(_metadata, &f, s, v, cp_ms[s], rs_ms[s], &st,
				   why, sizeof(why)), 0)
			TH_LOG("round %u (seed %u), %s, %s killed: %s", i, seed,
			       shape_name[s], victim_name[v], why);
		if (!cr_all_gone(false)) {
			cr_log_tasks(_metadata);
			ASSERT_TRUE(0)
				TH_LOG("round %u (seed %u), %s, %s killed, left a task",
				       i, seed, shape_name[s], victim_name[v]);
		}
		if (st.rounds % 100 == 0)
			TH_LOG("%u rounds: %u restarted", st.rounds, st.restarted);
	}
	TH_LOG("%u rounds: %u restarted", st.rounds, st.restarted);
	TH_LOG("refused after a kill of the target %u, checkpointer %u,",
	       st.refused[TARGET], st.refused[CHECKPOINTER]);
	TH_LOG("restarter %u, restored task %u", st.refused[RESTARTER],
	       st.refused[RESTORED]);
	TH_LOG("ESRCH %u, EINTR %u, killed %u", st.by_errno[ESRCH],
	       st.by_errno[EINTR], st.by_errno[0]);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
