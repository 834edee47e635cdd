/* Uses the static C shim through its installed header; links only if the imported target brings
 * liburing along. */
#include <CEventSelect.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    /* io_uring may be disabled here; the call is what makes the link need liburing. */
    CEventSelect_uring *ring = NULL;
    int fd = CEventSelect_eventfd();
    if (CEventSelect_uring_create(8, 0, &ring) == 0 && ring) CEventSelect_uring_destroy(ring);
    printf("eventfd %s\n", fd >= 0 ? "ok" : "failed");
    if (fd >= 0) close(fd);
    return fd >= 0 ? 0 : 1;
}
