package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/registry"
)

// Certificates: CreateKeysAndCertificate, CreateCertificateFromCsr,
// RegisterCertificate, RegisterCertificateWithoutCA, UpdateCertificate,
// DescribeCertificate, ListCertificates, DeleteCertificate.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateKeysAndCertificate.html#API_CreateKeysAndCertificate_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerCertificates(rt *route.Router) {
	rt.Handle("/keys-and-certificate", handle(decodeSetAsActive, c.createKeysAndCertificate), http.MethodPost)
	rt.Handle("/certificates", handle(decodeCreateCertificateFromCsr, c.createCertificateFromCsr), http.MethodPost)
	rt.Handle("/certificates", handle(decodeListCertificates, c.listCertificates), http.MethodGet)
	rt.Handle("/certificate/register", handle(decodeRegister, c.registerCertificate), http.MethodPost)
	rt.Handle("/certificate/register-no-ca", handle(decodeRegister, c.registerCertificateWithoutCA), http.MethodPost)
	rt.Handle("/certificates/{certificateId}", handle(path("certificateId"), c.describeCertificate), http.MethodGet)
	rt.Handle("/certificates/{certificateId}", handle(decodeUpdateCertificate, c.updateCertificate), http.MethodPut)
	rt.Handle("/certificates/{certificateId}", handle(decodeDeleteCertificate, c.deleteCertificate), http.MethodDelete)
}

type certificateRef struct {
	CertificateArn string `json:"certificateArn"`
	CertificateID  string `json:"certificateId"`
	CertificatePem string `json:"certificatePem,omitempty"`
}

type keyPairJSON struct {
	PublicKey  string `json:"PublicKey"` // AWS: the KeyPair members are capitalised
	PrivateKey string `json:"PrivateKey"`
}

type createKeysAndCertificateOutput struct {
	certificateRef
	KeyPair keyPairJSON `json:"keyPair"`
}

func decodeSetAsActive(r *http.Request) (bool, error) { return awsrest.QueryBool(r, "setAsActive") }

func (c *ControlPlane) createKeysAndCertificate(_ context.Context, active bool) (createKeysAndCertificateOutput, error) {
	cert, kp, err := c.reg.CreateKeysAndCertificate(active)
	return createKeysAndCertificateOutput{certificateRef{cert.ARN, cert.ID, cert.PEM}, keyPairJSON(kp)}, err
}

type csrInput struct {
	csr    string
	active bool
}

func decodeCreateCertificateFromCsr(r *http.Request) (csrInput, error) {
	var in struct {
		CSR string `json:"certificateSigningRequest"`
	}
	active, err := awsrest.QueryBool(r, "setAsActive")
	if err == nil {
		err = readJSON(r, &in)
	}
	return csrInput{in.CSR, active}, err
}

func (c *ControlPlane) createCertificateFromCsr(_ context.Context, in csrInput) (certificateRef, error) {
	cert, err := c.reg.CreateCertificateFromCSR(in.csr, in.active)
	return certificateRef{cert.ARN, cert.ID, cert.PEM}, err
}

// decodeRegister reads the body of RegisterCertificate(WithoutCA); the
// deprecated setAsActive query parameter wins over status when true.
func decodeRegister(r *http.Request) (registry.RegisterCertificateInput, error) {
	var in struct {
		CertificatePem   string `json:"certificatePem"`
		CaCertificatePem string `json:"caCertificatePem"`
		Status           string `json:"status"`
	}
	active, err := awsrest.QueryBool(r, "setAsActive")
	if err == nil {
		err = readJSON(r, &in)
	}
	status := registry.CertificateStatus(in.Status)
	if active {
		status = registry.StatusActive
	}
	return registry.RegisterCertificateInput{CertificatePEM: in.CertificatePem, CACertificatePEM: in.CaCertificatePem, Status: status}, err
}

func (c *ControlPlane) registerCertificate(_ context.Context, in registry.RegisterCertificateInput) (certificateRef, error) {
	cert, err := c.reg.RegisterCertificate(in)
	return certificateRef{CertificateArn: cert.ARN, CertificateID: cert.ID}, err
}

func (c *ControlPlane) registerCertificateWithoutCA(_ context.Context, in registry.RegisterCertificateInput) (certificateRef, error) {
	cert, err := c.reg.RegisterCertificateWithoutCA(in.CertificatePEM, in.Status)
	return certificateRef{CertificateArn: cert.ARN, CertificateID: cert.ID}, err
}

type updateCertificateInput struct {
	id     string
	status registry.CertificateStatus
}

func decodeUpdateCertificate(r *http.Request) (updateCertificateInput, error) {
	status := r.URL.Query().Get("newStatus")
	if status == "" {
		return updateCertificateInput{}, awsrest.Invalid("Missing required parameter newStatus")
	}
	return updateCertificateInput{r.PathValue("certificateId"), registry.CertificateStatus(status)}, nil
}

func (c *ControlPlane) updateCertificate(_ context.Context, in updateCertificateInput) (empty, error) {
	return empty{}, c.reg.UpdateCertificate(in.id, in.status)
}

type validityJSON struct {
	NotBefore float64 `json:"notBefore"`
	NotAfter  float64 `json:"notAfter"`
}

type certificateDescription struct {
	CertificateArn   string       `json:"certificateArn"`
	CertificateID    string       `json:"certificateId"`
	CACertificateID  string       `json:"caCertificateId,omitempty"`
	Status           string       `json:"status"`
	CertificatePem   string       `json:"certificatePem"`
	OwnedBy          string       `json:"ownedBy"`
	CreationDate     float64      `json:"creationDate"`
	LastModifiedDate float64      `json:"lastModifiedDate"`
	CustomerVersion  int          `json:"customerVersion"`
	GenerationID     string       `json:"generationId"`
	Validity         validityJSON `json:"validity"`
	CertificateMode  string       `json:"certificateMode"`
	TransferData     struct{}     `json:"transferData"`
}

type describeCertificateOutput struct {
	D certificateDescription `json:"certificateDescription"`
}

func (c *ControlPlane) describeCertificate(_ context.Context, id string) (describeCertificateOutput, error) {
	cert, err := c.reg.DescribeCertificate(id)
	if err != nil {
		return describeCertificateOutput{}, err
	}
	return describeCertificateOutput{certificateDescription{
		cert.ARN, cert.ID, cert.CACertificateID, string(cert.Status), cert.PEM, cert.OwnedBy, epochSeconds(cert.CreationDate),
		epochSeconds(cert.LastModifiedDate), cert.CustomerVersion, cert.GenerationID,
		validityJSON{epochSeconds(cert.X509.NotBefore), epochSeconds(cert.X509.NotAfter)}, cert.Mode, struct{}{},
	}}, nil
}

// ordered is a page of a list that isAscendingOrder sorts.
type ordered struct {
	page
	ascending bool
}

func decodeOrdered(r *http.Request) (ordered, error) {
	p, err := pageParams(r, "pageSize", "marker")
	var asc bool
	if err == nil {
		asc, err = awsrest.QueryBool(r, "isAscendingOrder")
	}
	return ordered{p, asc}, err
}

var decodeListCertificates = decodeOrdered

type certificateItem struct {
	CertificateArn  string  `json:"certificateArn"`
	CertificateID   string  `json:"certificateId"`
	Status          string  `json:"status"`
	CertificateMode string  `json:"certificateMode"`
	CreationDate    float64 `json:"creationDate"`
}

type listCertificatesOutput struct {
	Certificates []certificateItem `json:"certificates"`
	NextMarker   string            `json:"nextMarker,omitempty"`
}

func (c *ControlPlane) listCertificates(_ context.Context, in ordered) (listCertificatesOutput, error) {
	list, next, err := c.reg.ListCertificates(in.token, in.size, in.ascending)
	out := listCertificatesOutput{Certificates: []certificateItem{}, NextMarker: next}
	for _, cert := range list {
		out.Certificates = append(out.Certificates, certificateItem{cert.ARN, cert.ID, string(cert.Status), cert.Mode, epochSeconds(cert.CreationDate)})
	}
	return out, err
}

type deleteCertificateInput struct {
	id    string
	force bool
}

func decodeDeleteCertificate(r *http.Request) (deleteCertificateInput, error) {
	force, err := awsrest.QueryBool(r, "forceDelete")
	return deleteCertificateInput{r.PathValue("certificateId"), force}, err
}

func (c *ControlPlane) deleteCertificate(_ context.Context, in deleteCertificateInput) (empty, error) {
	return empty{}, c.reg.DeleteCertificate(in.id, in.force)
}
