package controlplane

import (
	"context"
	"crypto/rand"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iotemu/iotemu/internal/awsid"
	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/tagging"
)

// Domain configurations: Create/Describe/List/Update/DeleteDomainConfiguration,
// stored and returned as AWS does; iotemu serves every domain on its own
// listeners, so a configuration changes nothing of how clients connect
// (docs/compatibility.md "Registry and identities").
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateDomainConfiguration.html#API_CreateDomainConfiguration_RequestSyntax
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeDomainConfiguration.html#API_DescribeDomainConfiguration_ResponseSyntax

var (
	// domainConfigNamePattern is DomainConfigurationName; reserved names
	// (iot:Data-ATS...) add ':' (ReservedDomainConfigurationName).
	domainConfigNamePattern = regexp.MustCompile(`^[\w.-]{1,128}$`)
	reservedNamePattern     = regexp.MustCompile(`^[\w.:-]{1,128}$`)
)

// reservedDomainConfigs are the account's default endpoints, describable
// by their endpoint type. AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-custom-endpoints-configurable.html#iot-custom-endpoints-configurable
var reservedDomainConfigs = map[string]string{
	"iot:Data-ATS": "DATA", "iot:Data": "DATA", "iot:CredentialProvider": "CREDENTIAL_PROVIDER", "iot:Jobs": "JOBS",
}

// defaultSecurityPolicy is the TLS security policy of a configuration
// created without tlsConfig (UNCONFIRMED which one AWS picks).
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/transport-security.html#tls-policy-table
const defaultSecurityPolicy = "IoTSecurityPolicy_TLS13_1_2_2022_10"

type authorizerConfig struct {
	DefaultAuthorizerName   string `json:"defaultAuthorizerName,omitempty"`
	AllowAuthorizerOverride *bool  `json:"allowAuthorizerOverride,omitempty"`
}

type tlsConfig struct {
	SecurityPolicy string `json:"securityPolicy,omitempty"`
}

type serverCertificate struct {
	ServerCertificateArn          string `json:"serverCertificateArn"`
	ServerCertificateStatus       string `json:"serverCertificateStatus"`
	ServerCertificateStatusDetail string `json:"serverCertificateStatusDetail,omitempty"`
}

// domainConfig is one configuration; json.RawMessage members are kept as
// given (serverCertificateConfig, clientCertificateConfig).
type domainConfig struct {
	Name                     string              `json:"domainConfigurationName"`
	ARN                      string              `json:"domainConfigurationArn"`
	DomainName               string              `json:"domainName,omitempty"`
	ServerCertificates       []serverCertificate `json:"serverCertificates"`
	AuthorizerConfig         *authorizerConfig   `json:"authorizerConfig,omitempty"`
	Status                   string              `json:"domainConfigurationStatus"`
	ServiceType              string              `json:"serviceType"`
	DomainType               string              `json:"domainType"`
	LastStatusChangeDate     *float64            `json:"lastStatusChangeDate,omitempty"`
	TLSConfig                *tlsConfig          `json:"tlsConfig,omitempty"`
	ServerCertificateConfig  any                 `json:"serverCertificateConfig,omitempty"`
	AuthenticationType       string              `json:"authenticationType,omitempty"`
	ApplicationProtocol      string              `json:"applicationProtocol,omitempty"`
	ClientCertificateConfig  any                 `json:"clientCertificateConfig,omitempty"`
	validationCertificateArn string
}

// domainConfigs holds the account's domain configurations.
type domainConfigs struct {
	mu sync.Mutex
	m  map[string]*domainConfig
}

func (c *ControlPlane) registerDomainConfigs(rt *route.Router) {
	rt.Handle("/domainConfigurations", handle(decodeListDomainConfigs, c.listDomainConfigs), http.MethodGet)
	rt.Handle("/domainConfigurations/{domainConfigurationName}", handle(decodeCreateDomainConfig, c.createDomainConfig), http.MethodPost)
	rt.Handle("/domainConfigurations/{domainConfigurationName}", handle(path("domainConfigurationName"), c.describeDomainConfig), http.MethodGet)
	rt.Handle("/domainConfigurations/{domainConfigurationName}", handle(decodeUpdateDomainConfig, c.updateDomainConfig), http.MethodPut)
	rt.Handle("/domainConfigurations/{domainConfigurationName}", handle(path("domainConfigurationName"), c.deleteDomainConfig), http.MethodDelete)
}

func invalidName(member, value, pattern string) error {
	return awsrest.Invalid("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", value, member, pattern)
}

var (
	serviceTypes       = []string{"DATA", "CREDENTIAL_PROVIDER", "JOBS"}
	authenticationType = []string{"CUSTOM_AUTH_X509", "CUSTOM_AUTH", "AWS_X509", "AWS_SIGV4", "DEFAULT"}
	applicationProto   = []string{"SECURE_MQTT", "MQTT_WSS", "HTTPS", "DEFAULT"}
	domainStatuses     = []string{"ENABLED", "DISABLED"}
)

func checkEnum(member, value string, allowed []string) error {
	if value == "" || slices.Contains(allowed, value) {
		return nil
	}
	return awsrest.Invalid("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", value, member, strings.Join(allowed, ", "))
}

type createDomainInput struct {
	cfg  domainConfig
	tags []tagging.Tag
}

func decodeCreateDomainConfig(r *http.Request) (createDomainInput, error) {
	var in struct {
		DomainName               string            `json:"domainName"`
		ServerCertificateArns    []string          `json:"serverCertificateArns"`
		ValidationCertificateArn string            `json:"validationCertificateArn"`
		AuthorizerConfig         *authorizerConfig `json:"authorizerConfig"`
		ServiceType              string            `json:"serviceType"`
		Tags                     []tagging.Tag     `json:"tags"`
		TLSConfig                *tlsConfig        `json:"tlsConfig"`
		ServerCertificateConfig  any               `json:"serverCertificateConfig"`
		AuthenticationType       string            `json:"authenticationType"`
		ApplicationProtocol      string            `json:"applicationProtocol"`
		ClientCertificateConfig  any               `json:"clientCertificateConfig"`
	}
	name := r.PathValue("domainConfigurationName")
	if !domainConfigNamePattern.MatchString(name) {
		return createDomainInput{}, invalidName("domainConfigurationName", name, `[\w.-]+`)
	}
	if err := readJSON(r, &in); err != nil {
		return createDomainInput{}, err
	}
	for _, e := range []error{
		checkEnum("serviceType", in.ServiceType, serviceTypes),
		checkEnum("authenticationType", in.AuthenticationType, authenticationType),
		checkEnum("applicationProtocol", in.ApplicationProtocol, applicationProto),
	} {
		if e != nil {
			return createDomainInput{}, e
		}
	}
	if len(in.ServerCertificateArns) > 1 {
		return createDomainInput{}, awsrest.Invalid("1 validation error detected: Value at 'serverCertificateArns' failed to satisfy constraint: Member must have length less than or equal to 1")
	}
	if len(in.DomainName) > 253 {
		return createDomainInput{}, awsrest.Invalid("1 validation error detected: Value at 'domainName' failed to satisfy constraint: Member must have length less than or equal to 253")
	}
	if in.DomainName != "" && len(in.ServerCertificateArns) == 0 {
		// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/iot-custom-endpoints-configurable-custom.html#iot-custom-endpoints-configurable-custom
		// (a custom domain needs its server certificate; message UNCONFIRMED).
		return createDomainInput{}, awsrest.Invalid("serverCertificateArns is required for a customer managed domain")
	}
	d := domainConfig{Name: name, DomainName: in.DomainName, AuthorizerConfig: in.AuthorizerConfig,
		ServiceType: in.ServiceType, TLSConfig: in.TLSConfig, ServerCertificateConfig: in.ServerCertificateConfig,
		AuthenticationType: in.AuthenticationType, ApplicationProtocol: in.ApplicationProtocol,
		ClientCertificateConfig: in.ClientCertificateConfig, validationCertificateArn: in.ValidationCertificateArn,
		ServerCertificates: []serverCertificate{}}
	for _, arn := range in.ServerCertificateArns {
		d.ServerCertificates = append(d.ServerCertificates, serverCertificate{ServerCertificateArn: arn, ServerCertificateStatus: "VALID"})
	}
	return createDomainInput{d, in.Tags}, createTags(in.Tags)
}

type domainConfigRef struct {
	DomainConfigurationName string `json:"domainConfigurationName"`
	DomainConfigurationArn  string `json:"domainConfigurationArn"`
}

// domainSuffix is the 5-letter suffix of a domain configuration's ARN
// (`…:domainconfiguration/additionalDataDomain/dikMh`).
// AWS: https://docs.aws.amazon.com/cli/latest/reference/iot/create-domain-configuration.html#examples
func domainSuffix() string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, 5)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// awsManagedDomain is the domain AWS assigns a configuration without
// domainName: `{id}-ats.iot.{region}.amazonaws.com` (the example's
// d055exampleed74y71zfd-ats.beta.us-east-1.iot.amazonaws.com, without its
// beta stage).
func awsManagedDomain(region string) string {
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b) + "-ats.iot." + region + ".amazonaws.com"
}

func (c *ControlPlane) createDomainConfig(_ context.Context, in createDomainInput) (domainConfigRef, error) {
	d := in.cfg
	d.ARN = awsid.ARN("iot", c.reg.Region(), c.reg.AccountID(), "domainconfiguration/"+d.Name+"/"+domainSuffix())
	d.Status = "ENABLED"
	if d.ServiceType == "" {
		d.ServiceType = "DATA"
	}
	d.DomainType = "CUSTOMER_MANAGED"
	if d.DomainName == "" {
		d.DomainType, d.DomainName = "AWS_MANAGED", awsManagedDomain(c.reg.Region())
	}
	if d.TLSConfig == nil || d.TLSConfig.SecurityPolicy == "" {
		d.TLSConfig = &tlsConfig{SecurityPolicy: defaultSecurityPolicy}
	}
	if d.AuthenticationType == "" {
		d.AuthenticationType = "DEFAULT"
	}
	if d.ApplicationProtocol == "" {
		d.ApplicationProtocol = "DEFAULT"
	}
	d.LastStatusChangeDate = epochPtr(c.now())
	c.domains.mu.Lock()
	if old, ok := c.domains.m[d.Name]; ok {
		c.domains.mu.Unlock()
		e := awsrest.Errorf(http.StatusConflict, "ResourceAlreadyExistsException", "Domain configuration with given name already exists.")
		e.Members = map[string]string{"resourceId": old.Name, "resourceArn": old.ARN}
		return domainConfigRef{}, e
	}
	c.domains.m[d.Name] = &d
	c.domains.mu.Unlock()
	return domainConfigRef{d.Name, d.ARN}, c.tagCreated(d.ARN, in.tags, nil)
}

func domainNotFound(name string) error {
	return notFound("Domain configuration %s does not exist", name) // message UNCONFIRMED
}

// reserved is the configuration of a default endpoint.
func (c *ControlPlane) reserved(name string) (domainConfig, bool) {
	st, ok := reservedDomainConfigs[name]
	if !ok {
		return domainConfig{}, false
	}
	return domainConfig{Name: name, ARN: awsid.ARN("iot", c.reg.Region(), c.reg.AccountID(), "domainconfiguration/"+name),
		DomainName: c.cfg.Endpoints.EndpointAddress(name), ServerCertificates: []serverCertificate{},
		Status: "ENABLED", ServiceType: st, DomainType: "ENDPOINT", TLSConfig: &tlsConfig{SecurityPolicy: defaultSecurityPolicy},
		AuthenticationType: "DEFAULT", ApplicationProtocol: "DEFAULT"}, true
}

func (c *ControlPlane) describeDomainConfig(_ context.Context, name string) (domainConfig, error) {
	if !reservedNamePattern.MatchString(name) {
		return domainConfig{}, invalidName("domainConfigurationName", name, `[\w.:-]+`)
	}
	if d, ok := c.reserved(name); ok {
		return d, nil
	}
	c.domains.mu.Lock()
	defer c.domains.mu.Unlock()
	d, ok := c.domains.m[name]
	if !ok {
		return domainConfig{}, domainNotFound(name)
	}
	return *d, nil
}

type updateDomainInput struct {
	name             string
	authorizer       *authorizerConfig
	removeAuthorizer bool
	status           string
	tls              *tlsConfig
	serverCertConfig any
	authType, proto  string
	clientCertConfig any
}

func decodeUpdateDomainConfig(r *http.Request) (updateDomainInput, error) {
	var in struct {
		AuthorizerConfig          *authorizerConfig `json:"authorizerConfig"`
		DomainConfigurationStatus string            `json:"domainConfigurationStatus"`
		RemoveAuthorizerConfig    bool              `json:"removeAuthorizerConfig"`
		TLSConfig                 *tlsConfig        `json:"tlsConfig"`
		ServerCertificateConfig   any               `json:"serverCertificateConfig"`
		AuthenticationType        string            `json:"authenticationType"`
		ApplicationProtocol       string            `json:"applicationProtocol"`
		ClientCertificateConfig   any               `json:"clientCertificateConfig"`
	}
	name := r.PathValue("domainConfigurationName")
	if !reservedNamePattern.MatchString(name) {
		return updateDomainInput{}, invalidName("domainConfigurationName", name, `[\w.:-]+`)
	}
	if err := readJSON(r, &in); err != nil {
		return updateDomainInput{}, err
	}
	for _, e := range []error{
		checkEnum("domainConfigurationStatus", in.DomainConfigurationStatus, domainStatuses),
		checkEnum("authenticationType", in.AuthenticationType, authenticationType),
		checkEnum("applicationProtocol", in.ApplicationProtocol, applicationProto),
	} {
		if e != nil {
			return updateDomainInput{}, e
		}
	}
	return updateDomainInput{name, in.AuthorizerConfig, in.RemoveAuthorizerConfig, in.DomainConfigurationStatus,
		in.TLSConfig, in.ServerCertificateConfig, in.AuthenticationType, in.ApplicationProtocol, in.ClientCertificateConfig}, nil
}

func (c *ControlPlane) updateDomainConfig(_ context.Context, in updateDomainInput) (domainConfigRef, error) {
	if _, ok := reservedDomainConfigs[in.name]; ok {
		// UNCONFIRMED: AWS lets some settings of the default endpoints be
		// changed; iotemu keeps them fixed.
		return domainConfigRef{}, awsrest.Invalid("The default domain configuration %s cannot be updated in iotemu", in.name)
	}
	c.domains.mu.Lock()
	defer c.domains.mu.Unlock()
	d, ok := c.domains.m[in.name]
	if !ok {
		return domainConfigRef{}, domainNotFound(in.name)
	}
	if in.removeAuthorizer && in.authorizer != nil {
		// Message UNCONFIRMED.
		return domainConfigRef{}, awsrest.Invalid("authorizerConfig and removeAuthorizerConfig cannot both be given")
	}
	n := *d
	switch {
	case in.removeAuthorizer:
		n.AuthorizerConfig = nil
	case in.authorizer != nil:
		n.AuthorizerConfig = in.authorizer
	}
	if in.status != "" && in.status != n.Status {
		n.Status, n.LastStatusChangeDate = in.status, epochPtr(c.now())
	}
	if in.tls != nil && in.tls.SecurityPolicy != "" {
		n.TLSConfig = in.tls
	}
	if in.serverCertConfig != nil {
		n.ServerCertificateConfig = in.serverCertConfig
	}
	if in.clientCertConfig != nil {
		n.ClientCertificateConfig = in.clientCertConfig
	}
	if in.authType != "" {
		n.AuthenticationType = in.authType
	}
	if in.proto != "" {
		n.ApplicationProtocol = in.proto
	}
	*d = n
	return domainConfigRef{n.Name, n.ARN}, nil
}

func (c *ControlPlane) deleteDomainConfig(_ context.Context, name string) (empty, error) {
	if !domainConfigNamePattern.MatchString(name) {
		return empty{}, invalidName("domainConfigurationName", name, `[\w.-]+`)
	}
	c.domains.mu.Lock()
	d, ok := c.domains.m[name]
	delete(c.domains.m, name)
	c.domains.mu.Unlock()
	if !ok {
		return empty{}, domainNotFound(name)
	}
	c.tags.Drop(d.ARN)
	return empty{}, nil
}

type listDomainInput struct {
	page
	serviceType string
}

func decodeListDomainConfigs(r *http.Request) (listDomainInput, error) {
	p, err := pageParams(r, "pageSize", "marker")
	st := r.URL.Query().Get("serviceType")
	if err == nil {
		err = checkEnum("serviceType", st, serviceTypes)
	}
	return listDomainInput{p, st}, err
}

type domainSummary struct {
	DomainConfigurationName string `json:"domainConfigurationName"`
	DomainConfigurationArn  string `json:"domainConfigurationArn"`
	ServiceType             string `json:"serviceType"`
}

type listDomainOutput struct {
	DomainConfigurations []domainSummary `json:"domainConfigurations"`
	NextMarker           string          `json:"nextMarker,omitempty"`
}

// listDomainConfigs lists the account's own configurations by name (the
// default endpoints are not listed: UNCONFIRMED).
func (c *ControlPlane) listDomainConfigs(_ context.Context, in listDomainInput) (listDomainOutput, error) {
	c.domains.mu.Lock()
	byName := map[string]domainSummary{}
	var names []string
	for _, d := range c.domains.m {
		if in.serviceType == "" || d.ServiceType == in.serviceType {
			byName[d.Name] = domainSummary{d.Name, d.ARN, d.ServiceType}
			names = append(names, d.Name)
		}
	}
	c.domains.mu.Unlock()
	slices.Sort(names)
	page, next, err := pageNames(names, in.token, in.size)
	out := listDomainOutput{DomainConfigurations: []domainSummary{}, NextMarker: next}
	for _, n := range page {
		out.DomainConfigurations = append(out.DomainConfigurations, byName[n])
	}
	return out, err
}

// domainConfigExists is the tagging owner of domainconfiguration ARNs
// (name/suffix).
func (c *ControlPlane) domainConfigExists(rest string) error {
	name, _, _ := strings.Cut(rest, "/")
	c.domains.mu.Lock()
	defer c.domains.mu.Unlock()
	d, ok := c.domains.m[name]
	if !ok || !strings.HasSuffix(d.ARN, "/"+rest) {
		return notFound("Resource %s does not exist", "domainconfiguration/"+rest)
	}
	return nil
}

func (c *ControlPlane) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now()
	}
	return time.Now()
}
