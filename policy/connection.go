package policy

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net/url"
	"strconv"
)

// Condition keys and variables of a connection. AWS: iot-policy-variables.html,
// basic-policy-variables.html, thing-policy-variables.html,
// cert-policy-variables.html, connect-policy.html (https://docs.aws.amazon.com/iot/latest/developerguide/cert-policy-variables.html#cert-policy-variables, https://docs.aws.amazon.com/iot/latest/developerguide/connect-policy.html#connect-policy).
const (
	KeyClientID          = "iot:ClientId"
	KeySourceIP          = "aws:SourceIp"
	KeyThingName         = "iot:Connection.Thing.ThingName"
	KeyThingTypeName     = "iot:Connection.Thing.ThingTypeName"
	KeyThingIsAttached   = "iot:Connection.Thing.IsAttached"
	KeyConnectAttributes = "iot:ConnectAttributes"
	KeyUsername          = "aws:username"
	KeyUserID            = "aws:userid"
)

// The values of KeyConnectAttributes. AWS: connect-policy.html.
const (
	ConnectAttrPersistent = "PersistentConnect"
	ConnectAttrLastWill   = "LastWill"
)

// ThingAttributeKey returns the key of thing attribute name:
// iot:Connection.Thing.Attributes[name].
func ThingAttributeKey(name string) string { return "iot:Connection.Thing.Attributes[" + name + "]" }

// Connection describes a connected client for ConnectionContext. Zero
// fields are left out of the context (their variables do not resolve).
type Connection struct {
	ClientID string
	SourceIP string
	// ThingName is the registry thing of the connection (the client ID
	// when it names a thing, or the exclusive thing of the principal);
	// empty: no thing, and no Thing variable resolves.
	ThingName       string
	ThingTypeName   string
	ThingAttributes map[string]string
	// IsAttached: the thing is attached to the principal
	// (AttachThingPrincipal); it is set whenever ThingName is.
	IsAttached bool
	// Certificate is the client certificate (X.509 principals).
	Certificate *x509.Certificate
	// ConnectAttributes: ConnectAttrPersistent and/or ConnectAttrLastWill.
	ConnectAttributes []string
	// Username and UserID for IAM/Cognito principals (aws:username,
	// aws:userid).
	Username, UserID string
}

// ConnectionContext returns the Context of a connection.
func ConnectionContext(c Connection) *Context {
	ctx := NewContext()
	setIf(ctx, KeyClientID, c.ClientID)
	setIf(ctx, KeySourceIP, c.SourceIP)
	setIf(ctx, KeyUsername, c.Username)
	setIf(ctx, KeyUserID, c.UserID)
	ctx.Set(KeyConnectAttributes, c.ConnectAttributes...)
	if c.ThingName != "" {
		ctx.Set(KeyThingName, c.ThingName)
		ctx.Set(KeyThingIsAttached, strconv.FormatBool(c.IsAttached))
		setIf(ctx, KeyThingTypeName, c.ThingTypeName)
		for k, v := range c.ThingAttributes {
			ctx.Set(ThingAttributeKey(k), v)
		}
	}
	if c.Certificate != nil {
		AddCertificate(ctx, c.Certificate)
	}
	return ctx
}

func setIf(ctx *Context, key, value string) {
	if value != "" {
		ctx.Set(key, value)
	}
}

// dnAttributes maps the X.509 name attribute OIDs to AWS's variable names.
// AWS: cert-policy-variables.html#issuer-attributes.
var dnAttributes = map[string]string{
	"2.5.4.46": "DistinguishedNameQualifier",
	"2.5.4.6":  "Country",
	"2.5.4.10": "Organization",
	"2.5.4.11": "OrganizationalUnit",
	"2.5.4.8":  "State",
	"2.5.4.3":  "CommonName",
	"2.5.4.5":  "SerialNumber",
	"2.5.4.12": "Title",
	"2.5.4.4":  "Surname",
	"2.5.4.42": "GivenName",
	"2.5.4.43": "Initials",
	"2.5.4.65": "Pseudonym",
	"2.5.4.44": "GenerationQualifier",
}

// AddCertificate sets the iot:Certificate.* variables of cert in ctx:
// Subject and Issuer attributes (all values, in certificate order),
// Subject alternative names, SerialNumber (decimal; the format AWS uses is
// unconfirmed) and AvailableKeys. Issuer alternative names are not set.
func AddCertificate(ctx *Context, cert *x509.Certificate) {
	var keys []string
	add := func(key string, vals ...string) {
		if len(vals) > 0 {
			ctx.Set(key, vals...)
			keys = append(keys, key)
		}
	}
	addName(add, "iot:Certificate.Subject.", cert.Subject)
	addName(add, "iot:Certificate.Issuer.", cert.Issuer)
	alt := "iot:Certificate.Subject.AlternativeName."
	add(alt+"DNSName", cert.DNSNames...)
	add(alt+"RFC822Name", cert.EmailAddresses...)
	add(alt+"UniformResourceIdentifier", urlStrings(cert.URIs)...)
	var ips []string
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	add(alt+"IPAddress", ips...)
	if cert.SerialNumber != nil {
		add("iot:Certificate.SerialNumber", cert.SerialNumber.String())
	}
	ctx.Set("iot:Certificate.AvailableKeys", keys...)
}

func addName(add func(string, ...string), prefix string, name pkix.Name) {
	vals := map[string][]string{}
	var order []string
	for _, atv := range name.Names {
		attr, ok := dnAttributes[oidString(atv.Type)]
		s, isString := atv.Value.(string)
		if !ok || !isString {
			continue
		}
		if _, seen := vals[attr]; !seen {
			order = append(order, attr)
		}
		vals[attr] = append(vals[attr], s)
	}
	for _, attr := range order {
		add(prefix+attr, vals[attr]...)
	}
}

func oidString(oid asn1.ObjectIdentifier) string { return oid.String() }

func urlStrings(us []*url.URL) []string {
	out := make([]string, 0, len(us))
	for _, u := range us {
		out = append(out, u.String())
	}
	return out
}
