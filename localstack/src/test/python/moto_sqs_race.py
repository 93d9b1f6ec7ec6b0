"""Stress moto's SQS with concurrent sends and batched deletes; print how many messages were lost.

    python3 moto_sqs_race.py ENDPOINT [MESSAGES] [HELD] [RECEIVERS]

Holds HELD messages in flight (so every delete scans a long list), then 4 threads send MESSAGES
unique messages while RECEIVERS threads receive and delete them in batches of 10. A message sent
but never received, while the queue counts only the held ones, was lost by the backend.
The race is a matter of thread timing: against plain moto_server 5.2.1 (2,000 messages, 600 held)
one run in three lost a message; moto_server.py (queue operations under the queue's lock) lost
none. moto_delete_race.py replays the same race deterministically. See docs/RELIABILITY.md.
"""
import sys
import threading
import time
import uuid

import boto3

endpoint = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
held = int(sys.argv[3]) if len(sys.argv) > 3 else 600
receivers = int(sys.argv[4]) if len(sys.argv) > 4 else 4


def client():
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


sqs = client()
queue = sqs.create_queue(QueueName="race-" + uuid.uuid4().hex[:8])["QueueUrl"]
for _ in range(held // 10):
    sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": str(j), "MessageBody": "held"} for j in range(10)])
while sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=3600).get("Messages"):
    pass

sent, seen, lock, done = set(), set(), threading.Lock(), threading.Event()


def send(k):
    c = client()
    for i in range(total // 4):
        body = f"m-{k}-{i}"
        c.send_message(QueueUrl=queue, MessageBody=body)
        with lock:
            sent.add(body)


def receive():
    c, idle = client(), 0
    while idle < 3:
        messages = c.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                     VisibilityTimeout=60).get("Messages", [])
        if not messages:
            idle += done.is_set()
            continue
        idle = 0
        with lock:
            seen.update(m["Body"] for m in messages)
        c.delete_message_batch(QueueUrl=queue, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])


started = time.time()
senders = [threading.Thread(target=send, args=(k,)) for k in range(4)]
readers = [threading.Thread(target=receive) for _ in range(receivers)]
for t in senders + readers:
    t.start()
for t in senders:
    t.join()
done.set()
for t in readers:
    t.join()
counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
lost = sorted(sent - seen)
print(f"sent {len(sent)}, received {len(seen)}, lost {len(lost)} {lost[:10]} in {time.time() - started:.0f} s;"
      f" queue: {counts['ApproximateNumberOfMessages']} visible,"
      f" {counts['ApproximateNumberOfMessagesNotVisible']} in flight (held: {held})")
