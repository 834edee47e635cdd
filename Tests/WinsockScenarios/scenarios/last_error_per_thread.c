/* WSAGetLastError / WSASetLastError are per thread: a failure in one thread does not change the
 * code another thread reads (Microsoft's WSAGetLastError documentation). The worker fails with
 * WSAEWOULDBLOCK, then waits while the main thread fails with WSAENOTSOCK; each reads its own. */
#include "../scenario.h"

static SOCKET thread_socket;
static WSAEVENT ready, go;
static int thread_error;

static void *worker(void *arg)
{
    (void)arg;
    char b[4];
    recv(thread_socket, b, sizeof b, 0);          /* fails: WSAEWOULDBLOCK */
    SetEvent(ready);
    WaitForSingleObject(go, EXPECT_MS);
    thread_error = WSAGetLastError();
    return NULL;
}

int main(void)
{
    startup("last_error_per_thread");
    SOCKET client, server;
    tcp_pair(&client, &server);
    set_nbio(server, 1);
    ready = WSACreateEvent();
    go = WSACreateEvent();
    thread_socket = server;
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    WaitForSingleObject(ready, EXPECT_MS);
    char b[4];
    recv(INVALID_SOCKET, b, sizeof b, 0);         /* fails: WSAENOTSOCK */
    int main_error = WSAGetLastError();
    SetEvent(go);
    pthread_join(t, NULL);
    say("worker thread: %s", wsa_name(thread_error));
    say("main thread: %s", wsa_name(main_error));
    do_close(client); do_close(server);
    WSACloseEvent(ready); WSACloseEvent(go);
    return 0;
}
