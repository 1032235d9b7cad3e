package emulator_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotemu/iotemu/testkit"
)

// signingKey returns an RSA 2048 key and its public key in PEM.
func signingKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// TestAuthorizersSDK: CreateAuthorizer, DescribeAuthorizer, UpdateAuthorizer,
// ListAuthorizers (status filter, order, pages), the default authorizer and
// DeleteAuthorizer, with the Go SDK, and the errors of each.
func TestAuthorizersSDK(t *testing.T) {
	t.Parallel()
	emu := testkit.Start(t)
	c, ctx := iotClient(emu), context.Background()
	_, pub := signingKey(t)
	out, err := c.CreateAuthorizer(ctx, &iot.CreateAuthorizerInput{
		AuthorizerName: aws.String("signed"), AuthorizerFunctionArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:auth"),
		TokenKeyName: aws.String("token"), TokenSigningPublicKeys: map[string]string{"k1": pub},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.AuthorizerArn) != "arn:aws:iot:us-east-1:123456789012:authorizer/signed" {
		t.Fatalf("CreateAuthorizer: %+v", out)
	}
	_, err = c.CreateAuthorizer(ctx, &iot.CreateAuthorizerInput{AuthorizerName: aws.String("signed"), AuthorizerFunctionArn: aws.String("f"), SigningDisabled: aws.Bool(true)})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	_, err = c.CreateAuthorizer(ctx, &iot.CreateAuthorizerInput{AuthorizerName: aws.String("nokey"), AuthorizerFunctionArn: aws.String("f"), TokenKeyName: aws.String("t")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.CreateAuthorizer(ctx, &iot.CreateAuthorizerInput{AuthorizerName: aws.String("badkey"), AuthorizerFunctionArn: aws.String("f"),
		TokenKeyName: aws.String("t"), TokenSigningPublicKeys: map[string]string{"k": "not a key"}})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.CreateAuthorizer(ctx, &iot.CreateAuthorizerInput{AuthorizerName: aws.String("bad name!"), AuthorizerFunctionArn: aws.String("f"), SigningDisabled: aws.Bool(true)})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = c.CreateAuthorizer(ctx, &iot.CreateAuthorizerInput{AuthorizerName: aws.String("plain"), AuthorizerFunctionArn: aws.String("auth"),
		SigningDisabled: aws.Bool(true), Status: types.AuthorizerStatusInactive, EnableCachingForHttp: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeAuthorizer(ctx, &iot.DescribeAuthorizerInput{AuthorizerName: aws.String("signed")})
	if err != nil {
		t.Fatal(err)
	}
	ad := d.AuthorizerDescription
	if ad.Status != types.AuthorizerStatusActive || aws.ToBool(ad.SigningDisabled) || aws.ToString(ad.TokenKeyName) != "token" ||
		ad.TokenSigningPublicKeys["k1"] != pub || ad.CreationDate == nil || ad.LastModifiedDate == nil {
		t.Fatalf("DescribeAuthorizer: %+v", ad)
	}
	_, err = c.DescribeAuthorizer(ctx, &iot.DescribeAuthorizerInput{AuthorizerName: aws.String("missing")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	testAuthorizerLists(t, c)
	testAuthorizerUpdateDelete(t, c)
}

func testAuthorizerLists(t *testing.T, c *iot.Client) {
	t.Helper()
	ctx := context.Background()
	l, err := c.ListAuthorizers(ctx, &iot.ListAuthorizersInput{Status: types.AuthorizerStatusInactive})
	if err != nil || len(l.Authorizers) != 1 || aws.ToString(l.Authorizers[0].AuthorizerName) != "plain" {
		t.Fatalf("ListAuthorizers INACTIVE: %+v %v", l, err)
	}
	var names []string
	p := iot.NewListAuthorizersPaginator(c, &iot.ListAuthorizersInput{PageSize: aws.Int32(1), AscendingOrder: true})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Authorizers {
			names = append(names, aws.ToString(a.AuthorizerName))
		}
	}
	if len(names) != 2 || names[0] != "plain" || names[1] != "signed" {
		t.Fatalf("ListAuthorizers pages: %v", names)
	}
}

func testAuthorizerUpdateDelete(t *testing.T, c *iot.Client) {
	t.Helper()
	ctx := context.Background()
	_, err := c.DescribeDefaultAuthorizer(ctx, &iot.DescribeDefaultAuthorizerInput{})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	if _, err := c.SetDefaultAuthorizer(ctx, &iot.SetDefaultAuthorizerInput{AuthorizerName: aws.String("signed")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SetDefaultAuthorizer(ctx, &iot.SetDefaultAuthorizerInput{AuthorizerName: aws.String("plain")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", 409)
	dd, err := c.DescribeDefaultAuthorizer(ctx, &iot.DescribeDefaultAuthorizerInput{})
	if err != nil || aws.ToString(dd.AuthorizerDescription.AuthorizerName) != "signed" {
		t.Fatalf("DescribeDefaultAuthorizer: %+v %v", dd, err)
	}
	_, err = c.DeleteAuthorizer(ctx, &iot.DeleteAuthorizerInput{AuthorizerName: aws.String("signed")})
	wantAPIError(t, err, "DeleteConflictException", 409)
	_, err = c.UpdateAuthorizer(ctx, &iot.UpdateAuthorizerInput{AuthorizerName: aws.String("signed"), Status: types.AuthorizerStatusInactive, TokenKeyName: aws.String("bad key")})
	wantAPIError(t, err, "InvalidRequestException", 400)
	if _, err := c.UpdateAuthorizer(ctx, &iot.UpdateAuthorizerInput{AuthorizerName: aws.String("signed"), Status: types.AuthorizerStatusInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteAuthorizer(ctx, &iot.DeleteAuthorizerInput{AuthorizerName: aws.String("signed")})
	wantAPIError(t, err, "DeleteConflictException", 409) // still the default
	if _, err := c.ClearDefaultAuthorizer(ctx, &iot.ClearDefaultAuthorizerInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ClearDefaultAuthorizer(ctx, &iot.ClearDefaultAuthorizerInput{})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
	if _, err := c.DeleteAuthorizer(ctx, &iot.DeleteAuthorizerInput{AuthorizerName: aws.String("signed")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAuthorizer(ctx, &iot.UpdateAuthorizerInput{AuthorizerName: aws.String("signed"), Status: types.AuthorizerStatusActive})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

// TestTestInvokeAuthorizerSDK: the function sees the event built from the
// contexts (base64 password, token, signatureVerified false when signing
// is disabled) and its answer comes back validated; a malformed answer is
// InvalidResponseException.
func TestTestInvokeAuthorizerSDK(t *testing.T) {
	t.Parallel()
	var got map[string]any
	fn := func(ev map[string]any) (map[string]any, error) {
		got = ev
		if ev["token"] == "bad" {
			return map[string]any{"isAuthenticated": true, "principalId": "not valid!"}, nil
		}
		return map[string]any{"isAuthenticated": true, "principalId": "p1", "refreshAfterInSeconds": 600,
			"policyDocuments": []any{map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*"}}}}}, nil
	}
	emu := testkit.Start(t, testkit.WithLambda("auth-fn", fn))
	c, ctx := iotClient(emu), context.Background()
	if _, err := c.CreateAuthorizer(ctx, &iot.CreateAuthorizerInput{AuthorizerName: aws.String("a"), AuthorizerFunctionArn: aws.String("auth-fn"),
		TokenKeyName: aws.String("tok"), SigningDisabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	out, err := c.TestInvokeAuthorizer(ctx, &iot.TestInvokeAuthorizerInput{AuthorizerName: aws.String("a"), Token: aws.String("t1"),
		MqttContext: &types.MqttContext{Username: aws.String("u"), Password: []byte("pw"), ClientId: aws.String("c1")},
		TlsContext:  &types.TlsContext{ServerName: aws.String("iot.example")}})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(out.IsAuthenticated) || aws.ToString(out.PrincipalId) != "p1" || aws.ToInt32(out.RefreshAfterInSeconds) != 600 || len(out.PolicyDocuments) != 1 {
		t.Fatalf("TestInvokeAuthorizer: %+v", out)
	}
	mqtt, _ := got["protocolData"].(map[string]any)["mqtt"].(map[string]any)
	if got["token"] != "t1" || got["signatureVerified"] != false || mqtt["password"] != "cHc=" || mqtt["clientId"] != "c1" {
		t.Fatalf("event: %v", got)
	}
	_, err = c.TestInvokeAuthorizer(ctx, &iot.TestInvokeAuthorizerInput{AuthorizerName: aws.String("a"), Token: aws.String("bad")})
	wantAPIError(t, err, "InvalidResponseException", 400)
	_, err = c.TestInvokeAuthorizer(ctx, &iot.TestInvokeAuthorizerInput{AuthorizerName: aws.String("nope"), Token: aws.String("t")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}
