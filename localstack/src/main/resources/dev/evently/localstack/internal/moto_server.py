"""moto_server with its SQS queues made safe for concurrent requests; arguments as moto_server's.

moto (5.2.1) serves each request on its own thread, but its DeleteMessage builds a new message list
from the queue's list and swaps it in without a lock: a message that SendMessage (or an SNS
delivery) appended meanwhile, while another DeleteMessage on the same queue was building its own
copy, disappears - no error, no dead-letter queue. Here receive, delete and visibility changes take
the queue's own lock, the one SendMessage already takes. Fails at start-up if moto no longer has
that lock.

A receive holds the lock only while it scans the queue, never while it waits: moto's own long poll
spins without ever waiting when a FIFO queue has visible messages of a group that is in flight, so
with the lock held it would stall every send, delete and receive on that queue for the whole
WaitTimeSeconds. Here a long poll is a loop of non-waiting scans under the lock, and between two
scans it waits on the queue's condition, which releases the lock: a send, a delete or a visibility
change wakes it at once, and it rescans at least every POLL_SECONDS (visibility timeouts and delays
expire with time, not with a request).

Used by dev.evently.localstack.internal.MotoServer (the tests) and demo.sh:
    python3 moto_server.py -H 127.0.0.1 -p 5000
"""
import inspect
import sys
import time

import moto
from moto.sqs.models import Queue, SQSBackend

MARKER = "evently: moto SQS queue operations made atomic"

if "_messages_lock" not in inspect.getsource(Queue.__init__):
    sys.exit(f"moto {moto.__version__}: Queue._messages_lock is gone;"
             " update localstack/src/main/resources/dev/evently/localstack/internal/moto_server.py")


POLL_SECONDS = 0.5


def atomic(method):
    """method under the queue's lock; waiting receives are woken when it changed the queue."""
    def locked(self, *args, **kwargs):
        queue = self.queues.get(kwargs.get("queue_name", args[0] if args else None))
        if queue is None:
            return method(self, *args, **kwargs)  # moto's own error for a missing queue
        with queue._messages_lock:
            try:
                return method(self, *args, **kwargs)
            finally:
                queue._messages_lock.notify_all()

    return locked


def long_poll(receive):
    """receive as scans under the queue's lock, waiting (lock released) between them."""
    def polling(self, queue_name, count, wait_seconds_timeout, visibility_timeout,
                message_attribute_names=None):
        queue = self.queues.get(queue_name)
        if queue is None:  # moto's own error for a missing queue
            return receive(self, queue_name, count, wait_seconds_timeout, visibility_timeout,
                           message_attribute_names)
        deadline = time.monotonic() + int(wait_seconds_timeout or 0)
        with queue._messages_lock:
            while True:
                result = receive(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
                remaining = deadline - time.monotonic()
                if result or remaining <= 0:
                    return result
                queue._messages_lock.wait(min(remaining, POLL_SECONDS))

    return polling


for name in ("delete_message", "change_message_visibility", "purge_queue"):
    setattr(SQSBackend, name, atomic(getattr(SQSBackend, name)))
SQSBackend.receive_message = long_poll(SQSBackend.receive_message)

print(MARKER, file=sys.stderr, flush=True)

from moto.server import main  # noqa: E402

sys.argv[0] = "moto_server"
main(sys.argv[1:])
