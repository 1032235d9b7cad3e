"""The real-time pipeline's Lambda functions, as a user writes them for AWS.

connect:    $connect of the WebSocket API. Checks the token the browser sent
            as its WebSocket subprotocol, stores the connection (and the
            management endpoint built as AWS documents it) in DynamoDB, and
            echoes the subprotocol so that the browser accepts the socket.
disconnect: $disconnect. Deletes the connection.
broadcast:  invoked by the IoT rule's Lambda action with a device reading;
            posts it to every stored connection through @connections.

The only offline settings are environment variables: DYNAMODB_ENDPOINT (the
companion), and CA_BUNDLE (the emulator's CA, for https:// @connections).
"""
import json
import os

import boto3

TABLE = os.environ.get("TABLE", "connections")


def _table():
    ddb = boto3.resource("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT") or None)
    return ddb.Table(TABLE)


def connect(event, context):
    headers = event.get("headers") or {}
    token = headers.get("Sec-WebSocket-Protocol", "")
    if token != os.environ["TOKEN"]:
        return {"statusCode": 401, "body": "bad token"}
    ctx = event["requestContext"]
    # AWS: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
    endpoint = "https://" + ctx["domainName"] + "/" + ctx["stage"]
    _table().put_item(Item={"connectionId": ctx["connectionId"], "endpoint": endpoint})
    return {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": token}}


def disconnect(event, context):
    _table().delete_item(Key={"connectionId": event["requestContext"]["connectionId"]})
    return {"statusCode": 200}


def broadcast(event, context):
    data = json.dumps(event).encode()
    sent = 0
    for item in _table().scan()["Items"]:
        client = boto3.client("apigatewaymanagementapi", endpoint_url=item["endpoint"],
                              verify=os.environ.get("CA_BUNDLE") or None)
        try:
            client.post_to_connection(ConnectionId=item["connectionId"], Data=data)
            sent += 1
        except client.exceptions.GoneException:
            _table().delete_item(Key={"connectionId": item["connectionId"]})
    return {"sent": sent}
