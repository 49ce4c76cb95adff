/* first_answer PORT CMD [ARGS...]: starts CMD, polls 127.0.0.1:PORT until
 * GET /_rotor/health is answered with 200, then stops CMD with SIGTERM and
 * waits for it. Prints the milliseconds from fork to the first answer on
 * stdout (hyperfine times the whole run, shutdown included). Gives up after
 * 30 s. Loopback only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int try_health(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int ok = 0;
  if (connect(fd, (struct sockaddr*)&a, sizeof a) == 0) {
    const char* req = "GET /_rotor/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
      char buf[64] = {0};
      ssize_t n = read(fd, buf, sizeof buf - 1);
      ok = n > 12 && strncmp(buf, "HTTP/1.1 200", 12) == 0;
    }
  }
  close(fd);
  return ok;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: first_answer PORT CMD [ARGS...]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  double t0 = now_ms();
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", 1);
    if (devnull >= 0) { dup2(devnull, 1); dup2(devnull, 2); }
    execvp(argv[2], argv + 2);
    _exit(127);
  }
  if (pid < 0) return 1;
  double answered = -1;
  while (now_ms() - t0 < 30000) {
    if (try_health(port)) { answered = now_ms() - t0; break; }
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) { fprintf(stderr, "first_answer: server exited\n"); return 1; }
    struct timespec d = {0, 200000}; /* 0.2 ms */
    nanosleep(&d, NULL);
  }
  kill(pid, SIGTERM);
  int status;
  waitpid(pid, &status, 0);
  if (answered < 0) { fprintf(stderr, "first_answer: no answer within 30 s\n"); return 1; }
  printf("%.2f\n", answered);
  const char* log = getenv("FIRST_ANSWER_LOG");
  if (log) { FILE* f = fopen(log, "a"); if (f) { fprintf(f, "%.3f\n", answered); fclose(f); } }
  return 0;
}
