"""A producer outside evently: publishes two CloudEvents 1.0 with boto3 to an SNS topic, one in
structured mode (the whole event as JSON in the message body) and one in binary mode (the context
attributes as ce_* message attributes, the JSON data as the body). evently's EventCodec decodes
both, raw or SNS-wrapped; see docs/INTEROP.md. Prints the two event ids as JSON.

    AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_REGION=us-east-1 \\
        python3 demo/interop_producer.py arn:aws:sns:us-east-1:123456789012:order-events
"""
import json
import sys
import uuid

import boto3

ORDER_CREATED = "dev.evently.saga.order.created"


def string(value):
    return {"DataType": "String", "StringValue": value}


def publish_structured(sns, topic_arn, order):
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "python-shop",
        "type": ORDER_CREATED,
        "subject": order["orderId"],
        "datacontenttype": "application/json",
        "shopregion": "eu",  # an extension attribute: kept on the Event and re-emitted
        "data": order,       # no "time" (optional): the SNS Timestamp stands in for it
    }
    sns.publish(TopicArn=topic_arn, Message=json.dumps(event),
                MessageAttributes={"event-type": string(ORDER_CREATED)})  # what subscriptions filter on
    return event["id"]


def publish_binary(sns, topic_arn, order):
    event_id = str(uuid.uuid4())
    attributes = {  # at most 10 message attributes per message
        "ce_specversion": "1.0",
        "ce_id": event_id,
        "ce_source": "python-shop",
        "ce_type": ORDER_CREATED,
        "ce_time": "2026-03-01T10:00:00Z",
        "content-type": "application/json",
        "event-type": ORDER_CREATED,
    }
    sns.publish(TopicArn=topic_arn, Message=json.dumps(order),
                MessageAttributes={name: string(value) for name, value in attributes.items()})
    return event_id


def main(topic_arn):
    sns = boto3.client("sns")  # endpoint, region and credentials from the AWS_* variables
    order = {"orderId": "py-1", "customerId": "c-1", "orderTotal": 42.5}
    ids = {"structured": publish_structured(sns, topic_arn, order),
           "binary": publish_binary(sns, topic_arn, dict(order, orderId="py-2"))}
    print(json.dumps(ids))


if __name__ == "__main__":
    main(sys.argv[1])
