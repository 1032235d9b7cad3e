// Package sigv4 verifies AWS Signature Version 4 as AWS IoT Core does for
// the iot-data HTTP API (Authorization header) and for MQTT over WebSocket
// (a presigned `/mqtt` URL), against credentials the emulator configures;
// and it signs the requests the emulator sends (Signer: the rule actions,
// the Lambda Invoke API) as the AWS SDKs do, with the same canonicalisation.
//
// The package imports only the standard library. It authenticates: it
// returns the Identity of the signer (its access key and principal); what
// the identity may do is the caller's business (package policy).
//
// # What is emulated
//
//   - The canonical request of AWS's SigV4 specification: canonical URI
//     encoded once more for non-S3 services (the SDKs sign the path
//     `/topics/a%2Fb` as `/topics/a%252Fb`), sorted and re-encoded query,
//     signed headers (host, content-length and any other the client chose),
//     the payload hash (x-amz-content-sha256 when present, otherwise the
//     SHA-256 of the body). AWS: IAM reference_sigv-create-signed-request.html.
//   - The credential scope: date, region (optionally restricted), service
//     among Config.Services (iotdata and iotdevicegateway by default,
//     https://docs.aws.amazon.com/iot/latest/developerguide/http.html#http, https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws) and the aws4_request terminator.
//   - Session tokens: X-Amz-Security-Token must be the one of the
//     credentials. In presigned URLs it is accepted both inside the signed
//     query (SDK presigners) and appended after signing, outside the
//     canonical query (AWS's WebSocket reference code, the v1 JS and the
//     CRT device SDKs: https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html#mqtt-ws, emulator/checklist_mqtt_test.go).
//   - Clock skew of 5 minutes around X-Amz-Date, and X-Amz-Expires
//     (at most 7 days) for presigned URLs; the clock is injectable.
//   - AWS's error codes and message texts where known (errors.go).
//
// # What is not emulated
//
//   - Signature Version 4A (ECDSA, multi-region), SigV2, chunked
//     (aws-chunked / STREAMING-*) payloads, the `Date` header instead of
//     X-Amz-Date.
//   - STS: temporary credentials are whatever Config.Credentials returns.
//   - IAM authorisation of the identity.
package sigv4
