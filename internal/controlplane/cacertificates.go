package controlplane

import (
	"context"
	"net/http"
	"strings"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
	"github.com/iotemu/iotemu/tagging"
)

// CA certificates: GetRegistrationCode, DeleteRegistrationCode,
// RegisterCACertificate, DescribeCACertificate, UpdateCACertificate,
// DeleteCACertificate, ListCACertificates, ListCertificatesByCA.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RegisterCACertificate.html#API_RegisterCACertificate_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerCACertificates(rt *route.Router) {
	rt.Handle("/registrationcode", handle(none, c.getRegistrationCode), http.MethodGet)
	rt.Handle("/registrationcode", handle(none, c.deleteRegistrationCode), http.MethodDelete)
	rt.Handle("/cacertificate", handle(decodeRegisterCACertificate, c.registerCACertificate), http.MethodPost)
	rt.Handle("/cacertificates", handle(decodeListCACertificates, c.listCACertificates), http.MethodGet)
	rt.Handle("/cacertificate/{caCertificateId}", handle(path("caCertificateId"), c.describeCACertificate), http.MethodGet)
	rt.Handle("/cacertificate/{caCertificateId}", handle(decodeUpdateCACertificate, c.updateCACertificate), http.MethodPut)
	rt.Handle("/cacertificate/{caCertificateId}", handle(path("caCertificateId"), c.deleteCACertificate), http.MethodDelete)
	rt.Handle("/certificates-by-ca/{caCertificateId}", handle(decodeListCertificatesByCA, c.listCertificatesByCA), http.MethodGet)
}

type registrationCodeOutput struct {
	RegistrationCode string `json:"registrationCode"`
}

func (c *ControlPlane) getRegistrationCode(context.Context, struct{}) (registrationCodeOutput, error) {
	return registrationCodeOutput{c.reg.GetRegistrationCode()}, nil
}

func (c *ControlPlane) deleteRegistrationCode(context.Context, struct{}) (empty, error) {
	c.reg.DeleteRegistrationCode()
	return empty{}, nil
}

// registrationConfigJSON is RegistrationConfig on the wire.
type registrationConfigJSON struct {
	TemplateBody string `json:"templateBody,omitempty"`
	RoleArn      string `json:"roleArn,omitempty"`
	TemplateName string `json:"templateName,omitempty"`
}

func (j *registrationConfigJSON) registry() *registry.RegistrationConfig {
	if j == nil {
		return nil
	}
	return &registry.RegistrationConfig{TemplateBody: j.TemplateBody, RoleARN: j.RoleArn, TemplateName: j.TemplateName}
}

func registrationConfigOf(rc *registry.RegistrationConfig) *registrationConfigJSON {
	if rc == nil {
		return nil
	}
	return &registrationConfigJSON{rc.TemplateBody, rc.RoleARN, rc.TemplateName}
}

type registerCACertificateInput struct {
	registry.RegisterCACertificateInput
	tags []tagging.Tag
}

func decodeRegisterCACertificate(r *http.Request) (registerCACertificateInput, error) {
	var body struct {
		CACertificate           string                  `json:"caCertificate"`
		VerificationCertificate string                  `json:"verificationCertificate"`
		RegistrationConfig      *registrationConfigJSON `json:"registrationConfig"`
		Tags                    []tagging.Tag           `json:"tags"`
		CertificateMode         string                  `json:"certificateMode"`
	}
	active, err := awsrest.QueryBool(r, "setAsActive")
	if err != nil {
		return registerCACertificateInput{}, err
	}
	auto, err := awsrest.QueryBool(r, "allowAutoRegistration")
	if err != nil {
		return registerCACertificateInput{}, err
	}
	if err := readJSON(r, &body); err != nil {
		return registerCACertificateInput{}, err
	}
	return registerCACertificateInput{registry.RegisterCACertificateInput{
		CACertificatePEM: body.CACertificate, VerificationCertificatePEM: body.VerificationCertificate,
		SetAsActive: active, AllowAutoRegistration: auto, RegistrationConfig: body.RegistrationConfig.registry(),
		Mode: body.CertificateMode,
	}, body.Tags}, createTags(body.Tags)
}

func (c *ControlPlane) registerCACertificate(_ context.Context, in registerCACertificateInput) (certificateRef, error) {
	ca, err := c.reg.RegisterCACertificate(in.RegisterCACertificateInput)
	if err != nil {
		return certificateRef{}, err
	}
	c.log.Info("CA certificate registered", "caCertificateId", ca.ID, "status", ca.Status, "autoRegistrationStatus", ca.AutoRegistrationStatus, "mode", ca.Mode)
	return certificateRef{CertificateArn: ca.ARN, CertificateID: ca.ID}, c.tagCreated(ca.ARN, in.tags, nil)
}

type caCertificateDescription struct {
	CertificateArn         string       `json:"certificateArn"`
	CertificateID          string       `json:"certificateId"`
	Status                 string       `json:"status"`
	CertificatePem         string       `json:"certificatePem"`
	OwnedBy                string       `json:"ownedBy"`
	CreationDate           float64      `json:"creationDate"`
	AutoRegistrationStatus string       `json:"autoRegistrationStatus"`
	LastModifiedDate       float64      `json:"lastModifiedDate"`
	CustomerVersion        int          `json:"customerVersion"`
	GenerationID           string       `json:"generationId"`
	Validity               validityJSON `json:"validity"`
	CertificateMode        string       `json:"certificateMode"`
}

type describeCACertificateOutput struct {
	CertificateDescription caCertificateDescription `json:"certificateDescription"`
	RegistrationConfig     *registrationConfigJSON  `json:"registrationConfig,omitempty"`
}

// describeCACertificate answers the CLI example's shape.
// AWS: https://awscli.amazonaws.com/v2/documentation/api/latest/reference/iot/describe-ca-certificate.html
func (c *ControlPlane) describeCACertificate(_ context.Context, id string) (describeCACertificateOutput, error) {
	ca, err := c.reg.DescribeCACertificate(id)
	if err != nil {
		return describeCACertificateOutput{}, err
	}
	return describeCACertificateOutput{caCertificateDescription{
		ca.ARN, ca.ID, ca.Status, ca.PEM, ca.OwnedBy, epochSeconds(ca.CreationDate), ca.AutoRegistrationStatus,
		epochSeconds(ca.LastModifiedDate), ca.CustomerVersion, ca.GenerationID,
		validityJSON{epochSeconds(ca.X509.NotBefore), epochSeconds(ca.X509.NotAfter)}, ca.Mode,
	}, registrationConfigOf(ca.RegistrationConfig)}, nil
}

func decodeUpdateCACertificate(r *http.Request) (registry.UpdateCACertificateInput, error) {
	var body struct {
		RegistrationConfig     *registrationConfigJSON `json:"registrationConfig"`
		RemoveAutoRegistration bool                    `json:"removeAutoRegistration"`
	}
	q := r.URL.Query()
	in := registry.UpdateCACertificateInput{
		ID: r.PathValue("caCertificateId"), NewStatus: q.Get("newStatus"), NewAutoRegistrationStatus: q.Get("newAutoRegistrationStatus"),
	}
	if err := readJSON(r, &body); err != nil {
		return in, err
	}
	in.RegistrationConfig, in.RemoveAutoRegistration = body.RegistrationConfig.registry(), body.RemoveAutoRegistration
	return in, nil
}

func (c *ControlPlane) updateCACertificate(_ context.Context, in registry.UpdateCACertificateInput) (empty, error) {
	if err := c.reg.UpdateCACertificate(in); err != nil {
		return empty{}, err
	}
	c.log.Info("CA certificate updated", "caCertificateId", in.ID, "newStatus", in.NewStatus, "newAutoRegistrationStatus", in.NewAutoRegistrationStatus)
	return empty{}, nil
}

func (c *ControlPlane) deleteCACertificate(_ context.Context, id string) (empty, error) {
	if err := c.reg.DeleteCACertificate(id); err != nil {
		return empty{}, err
	}
	c.tags.Drop(c.reg.CACertificateARN(normalCertificateID(id)))
	return empty{}, nil
}

type listCACertificatesInput struct {
	ordered
	templateName string
}

func decodeListCACertificates(r *http.Request) (listCACertificatesInput, error) {
	o, err := decodeOrdered(r)
	return listCACertificatesInput{o, r.URL.Query().Get("templateName")}, err
}

type caCertificateItem struct {
	CertificateArn string  `json:"certificateArn"`
	CertificateID  string  `json:"certificateId"`
	Status         string  `json:"status"`
	CreationDate   float64 `json:"creationDate"`
}

type listCACertificatesOutput struct {
	Certificates []caCertificateItem `json:"certificates"`
	NextMarker   string              `json:"nextMarker,omitempty"`
}

func (c *ControlPlane) listCACertificates(_ context.Context, in listCACertificatesInput) (listCACertificatesOutput, error) {
	list, next, err := c.reg.ListCACertificates(in.token, in.size, in.ascending, in.templateName)
	out := listCACertificatesOutput{Certificates: []caCertificateItem{}, NextMarker: next}
	for _, ca := range list {
		out.Certificates = append(out.Certificates, caCertificateItem{ca.ARN, ca.ID, ca.Status, epochSeconds(ca.CreationDate)})
	}
	return out, err
}

type listCertificatesByCAInput struct {
	ordered
	caID string
}

func decodeListCertificatesByCA(r *http.Request) (listCertificatesByCAInput, error) {
	o, err := decodeOrdered(r)
	return listCertificatesByCAInput{o, r.PathValue("caCertificateId")}, err
}

func (c *ControlPlane) listCertificatesByCA(_ context.Context, in listCertificatesByCAInput) (listCertificatesOutput, error) {
	list, next, err := c.reg.ListCertificatesByCA(in.caID, in.token, in.size, in.ascending)
	out := listCertificatesOutput{Certificates: []certificateItem{}, NextMarker: next}
	for _, cert := range list {
		out.Certificates = append(out.Certificates, certificateItem{cert.ARN, cert.ID, string(cert.Status), cert.Mode, epochSeconds(cert.CreationDate)})
	}
	return out, err
}

// normalCertificateID is a certificate ID as the registry keys it.
func normalCertificateID(id string) string { return strings.ToLower(strings.TrimPrefix(id, "0x")) }
