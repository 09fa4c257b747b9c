/* Ground truth for scripts/bench-attribution (b): a thread-per-request TCP server and its load client.
 * Every thread writes "<in-container tid> <host tid>" to the truth file: gettid() in its own namespace and the
 * TID in /hostproc/thread-self (the host's /proc, bind-mounted read-only), so nothing depends on nstrace.
 * Build: gcc -static -O2 -pthread -o attr-threads attr-threads.c */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int truth;

static void say(void) {
    char link[64] = {0}, line[64];
    if (readlink("/hostproc/thread-self", link, sizeof link - 1) < 0) return;
    const char *t = strrchr(link, '/');
    int n = snprintf(line, sizeof line, "%ld %s\n", (long) syscall(SYS_gettid), t ? t + 1 : link);
    if (write(truth, line, n) != n) _exit(3);
}

static void *serve(void *arg) {
    int fd = (int) (long) arg;
    char buf[256];
    say();
    if (read(fd, buf, sizeof buf) > 0 && write(fd, "HTTP/1.0 200 OK\r\n\r\nok\n", 23) < 0) { /* client gone */ }
    close(fd);
    return NULL;
}

static struct sockaddr_in addr(int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: attr-threads server|client PORT TRUTHFILE [REQUESTS [PAUSE_US]]\n"); return 2; }
    truth = open(argv[3], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (truth < 0) { perror(argv[3]); return 1; }
    say();
    struct sockaddr_in a = addr(atoi(argv[2]));
    if (strcmp(argv[1], "server") == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(s, (struct sockaddr *) &a, sizeof a) || listen(s, 128)) { perror("bind"); return 1; }
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        for (;;) {
            int c = accept(s, NULL, NULL);
            pthread_t t;
            if (c >= 0 && pthread_create(&t, &at, serve, (void *) (long) c) != 0) close(c);
        }
    }
    long n = argc > 4 ? atol(argv[4]) : 1000000;
    long pause = argc > 5 ? atol(argv[5]) : 0; /* keeps the host's 32768 TIDs from wrapping during a run */
    char buf[256];
    for (long i = 0; i < n; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *) &a, sizeof a) == 0 && write(c, "GET / HTTP/1.0\r\n\r\n", 18) == 18)
            while (read(c, buf, sizeof buf) > 0) { }
        else usleep(10000);
        close(c);
        if (pause > 0) usleep(pause);
    }
    return 0;
}
