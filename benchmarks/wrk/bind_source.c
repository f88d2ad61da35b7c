/* LD_PRELOAD shim for the benchmark's load generator: spread connections over several client
 * addresses. Before each IPv4 connect() to 127.0.0.1, the socket is bound to 127.0.0.N, N going
 * round-robin from 1 to CHAVA_BENCH_SOURCES (every 127.0.0.0/8 address is local on Linux), so a
 * server limiting each client address sees that many clients. Other connections are left as
 * they are. Built by benchmarks/sources.py with the system's C compiler; never installed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static unsigned next_source;

int connect(int fd, const struct sockaddr *address, socklen_t length) {
    if (!real_connect) real_connect = dlsym(RTLD_NEXT, "connect");
    const char *setting = getenv("CHAVA_BENCH_SOURCES");
    int sources = setting ? atoi(setting) : 0;
    if (sources > 1 && address && address->sa_family == AF_INET) {
        const struct sockaddr_in *target = (const struct sockaddr_in *)address;
        if (target->sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
            struct sockaddr_in source = {0};
            source.sin_family = AF_INET;
            source.sin_addr.s_addr = htonl(0x7f000001u + (__atomic_fetch_add(&next_source, 1, __ATOMIC_RELAXED) % (unsigned)sources));
            bind(fd, (struct sockaddr *)&source, sizeof source);
        }
    }
    return real_connect(fd, address, length);
}
