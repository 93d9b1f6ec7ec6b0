"""Replays the interleaving in which moto's SQS loses a message, step by step (used by MotoServerIT).

While DeleteMessage(a) is rebuilding the queue's message list, another thread deletes b and sends
x. Plain moto 5.2.1 ends with [b, c]: x is lost and b is back. With --patched MOTO_SERVER_PY (the
locking of moto_server.py applied first) the other thread waits for the first delete: [c, x].

    python3 moto_delete_race.py [--patched path/to/moto_server.py]
"""
import sys
import threading

import boto3
from moto import mock_aws
from moto.sqs.models import sqs_backends

if "--patched" in sys.argv:
    with open(sys.argv[sys.argv.index("--patched") + 1]) as f:
        source = f.read()
    exec(source[: source.index("from moto.server import main")])  # the patch, without starting a server

with mock_aws():
    sqs = boto3.client("sqs", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    handles = {m["Body"]: m["ReceiptHandle"] for m in received}
    queue = sqs_backends["123456789012"]["us-east-1"].queues["q"]
    c = next(m for m in queue._messages if m.body == "c")
    had_receipt_handle = type(c).had_receipt_handle
    other = threading.Thread(target=lambda: (
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handles["b"]),
        sqs.send_message(QueueUrl=url, MessageBody="x")))

    def scanning(self, handle):
        if self is c and other.ident is None:  # delete(a) is copying the list: let the other thread in
            other.start()
            other.join(2)  # returns at once when the other thread is done, else after 2 s
        return had_receipt_handle(self, handle)

    type(c).had_receipt_handle = scanning
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handles["a"])
    other.join()
    type(c).had_receipt_handle = had_receipt_handle
    print("left: " + ",".join(sorted(m.body for m in queue._messages)))
