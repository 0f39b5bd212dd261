/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench/maxrss.c: the peak RSS of a command, measured from a small parent.
 *
 *   maxrss SECONDS COMMAND [ARG...]
 *
 * Runs COMMAND (stdin, stdout and stderr on /dev/null), kills it after
 * SECONDS, waits for it and prints "maxrss_kib=N status=S": ru_maxrss of
 * the child, from wait4(), and its exit status (128 + signal if killed).
 *
 * Why not from Python's own wait4(): Linux counts in ru_maxrss the memory
 * of the process image that exec() replaced.  A child that Python spawns
 * starts as a copy (or, with posix_spawn, a vfork) of the interpreter, so
 * its ru_maxrss is never below the interpreter's RSS (15 MiB and more),
 * about ten times what the tool needs on a small board.  This parent is
 * about 1 MiB.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	kill(child, SIGKILL);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct rusage ru;
	int status, fd;
	pid_t pid, done;

	if (argc < 3 || atoi(argv[1]) < 1) {
		fprintf(stderr, "usage: maxrss SECONDS COMMAND [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("maxrss: fork");
		return 1;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	child = pid;
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned int)atoi(argv[1]));
	do
		done = wait4(pid, &status, 0, &ru);
	while (done < 0 && errno == EINTR);
	if (done < 0) {
		perror("maxrss: wait4");
		return 1;
	}
	printf("maxrss_kib=%ld status=%d\n", ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
