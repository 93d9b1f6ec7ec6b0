"""moto_server with its SQS queues made safe for concurrent requests; arguments as moto_server's.

moto (5.2.1) serves each request on its own thread, but its DeleteMessage builds a new message list
from the queue's list and swaps it in without a lock: a message that SendMessage (or an SNS
delivery) appended meanwhile, while another DeleteMessage on the same queue was building its own
copy, disappears - no error, no dead-letter queue. Here receive, delete and visibility changes take
the queue's own lock, the one SendMessage already takes (a long poll releases it while it waits).
Fails at start-up if moto no longer has that lock.

Used by dev.evently.localstack.internal.MotoServer (the tests) and demo.sh:
    python3 moto_server.py -H 127.0.0.1 -p 5000
"""
import inspect
import sys

import moto
from moto.sqs.models import Queue, SQSBackend

MARKER = "evently: moto SQS queue operations made atomic"

if "_messages_lock" not in inspect.getsource(Queue.__init__):
    sys.exit(f"moto {moto.__version__}: Queue._messages_lock is gone;"
             " update localstack/src/main/resources/dev/evently/localstack/internal/moto_server.py")


def atomic(method):
    def locked(self, *args, **kwargs):
        queue = self.queues.get(kwargs.get("queue_name", args[0] if args else None))
        if queue is None:
            return method(self, *args, **kwargs)  # moto's own error for a missing queue
        with queue._messages_lock:
            return method(self, *args, **kwargs)

    return locked


for name in ("receive_message", "delete_message", "change_message_visibility", "purge_queue"):
    setattr(SQSBackend, name, atomic(getattr(SQSBackend, name)))

print(MARKER, file=sys.stderr, flush=True)

from moto.server import main  # noqa: E402

sys.argv[0] = "moto_server"
main(sys.argv[1:])
