#ifndef TSRUN_MONITOR_ATTACH_H
#define TSRUN_MONITOR_ATTACH_H
/* `tsrun attach`: a unix socket the monitor listens on while the container
 * lives (conmon's attach socket). To each client the monitor sends the
 * container's output as frames [stream 1|2][u32 BE length][bytes]; from a
 * client it reads frames [type][u32 BE length][payload]: type 0 is stdin
 * (into the container's stdin pipe or pty master, when it has one), type 1 a
 * window size (u16 BE cols, u16 BE rows; pty only). Clients are closed after
 * the final state is written, so EOF means "exited, state.json is final". */
#include <poll.h>
#include <stddef.h>

#define ATTACH_MAX_CLIENTS 8
/* listen fd + clients + the input fd */
#define ATTACH_MAX_POLLFDS (ATTACH_MAX_CLIENTS + 2)

/* Listens on path (removing a stale socket first); 0 or -1 (attach is then unavailable). */
int attach_listen(const char *path);
/* Where stdin frames go (nonblocking when accepts_stdin), and whether it is a pty master (for window sizes). */
void attach_set_input(int fd, int is_pty, int accepts_stdin);
/* Fills fds for poll; returns how many. */
int attach_pollfds(struct pollfd *fds);
/* Handles the events poll reported on the fds attach_pollfds filled. */
void attach_handle(const struct pollfd *fds, int n);
/* Sends output to every client (stream 1 stdout, 2 stderr). */
void attach_broadcast(int stream, const char *data, size_t n);
/* Closes clients and the listener, removes the socket. */
void attach_close(void);
#endif
