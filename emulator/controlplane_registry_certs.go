package emulator

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	iotreg "github.com/iotemu/iotemu/registry"
)

// Certificates: CreateKeysAndCertificate, CreateCertificateFromCsr,
// RegisterCertificate, RegisterCertificateWithoutCA, UpdateCertificate,
// DescribeCertificate, ListCertificates, DeleteCertificate.

func (s *Server) registerCertificateRoutes(rt *route.Router) {
	rt.HandleFunc("/keys-and-certificate", s.handleCreateKeysAndCertificate, http.MethodPost)
	rt.HandleFunc("/certificates", s.handleCreateCertificateFromCsr, http.MethodPost)
	rt.HandleFunc("/certificates", s.handleListCertificates, http.MethodGet)
	rt.HandleFunc("/certificate/register", s.handleRegisterCertificate, http.MethodPost)
	rt.HandleFunc("/certificate/register-no-ca", s.handleRegisterCertificateWithoutCA, http.MethodPost)
	rt.HandleFunc("/certificates/{certificateId}", s.handleDescribeCertificate, http.MethodGet)
	rt.HandleFunc("/certificates/{certificateId}", s.handleUpdateCertificate, http.MethodPut)
	rt.HandleFunc("/certificates/{certificateId}", s.handleDeleteCertificate, http.MethodDelete)
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

func (s *Server) handleCreateKeysAndCertificate(w http.ResponseWriter, r *http.Request) {
	active, err := queryBool(r, "setAsActive")
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	c, kp, err := s.iotreg.CreateKeysAndCertificate(active)
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		certificateRef
		KeyPair keyPairJSON `json:"keyPair"`
	}{certificateRef{c.ARN, c.ID, c.PEM}, keyPairJSON(kp)})
}

func (s *Server) handleCreateCertificateFromCsr(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CSR string `json:"certificateSigningRequest"`
	}
	active, err := queryBool(r, "setAsActive")
	if err == nil {
		err = readJSON(r, &in)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	c, err := s.iotreg.CreateCertificateFromCSR(in.CSR, active)
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), certificateRef{c.ARN, c.ID, c.PEM})
}

// registerBody is the body of RegisterCertificate(WithoutCA); the
// deprecated setAsActive query parameter wins over status when true.
func registerBody(r *http.Request) (pemText, caPEM string, status iotreg.CertificateStatus, err error) {
	var in struct {
		CertificatePem   string `json:"certificatePem"`
		CaCertificatePem string `json:"caCertificatePem"`
		Status           string `json:"status"`
	}
	active, err := queryBool(r, "setAsActive")
	if err == nil {
		err = readJSON(r, &in)
	}
	status = iotreg.CertificateStatus(in.Status)
	if active {
		status = iotreg.StatusActive
	}
	return in.CertificatePem, in.CaCertificatePem, status, err
}

func (s *Server) handleRegisterCertificate(w http.ResponseWriter, r *http.Request) {
	pemText, caPEM, status, err := registerBody(r)
	var c iotreg.Certificate
	if err == nil {
		c, err = s.iotreg.RegisterCertificate(iotreg.RegisterCertificateInput{CertificatePEM: pemText, CACertificatePEM: caPEM, Status: status})
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), certificateRef{CertificateArn: c.ARN, CertificateID: c.ID})
}

func (s *Server) handleRegisterCertificateWithoutCA(w http.ResponseWriter, r *http.Request) {
	pemText, _, status, err := registerBody(r)
	var c iotreg.Certificate
	if err == nil {
		c, err = s.iotreg.RegisterCertificateWithoutCA(pemText, status)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), certificateRef{CertificateArn: c.ARN, CertificateID: c.ID})
}

func (s *Server) handleUpdateCertificate(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("newStatus")
	if status == "" {
		writeRegistryError(w, invalid("Missing required parameter newStatus"))
		return
	}
	if err := s.iotreg.UpdateCertificate(r.PathValue("certificateId"), iotreg.CertificateStatus(status)); err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleDescribeCertificate(w http.ResponseWriter, r *http.Request) {
	c, err := s.iotreg.DescribeCertificate(r.PathValue("certificateId"))
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	type validity struct {
		NotBefore float64 `json:"notBefore"`
		NotAfter  float64 `json:"notAfter"`
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		D any `json:"certificateDescription"`
	}{struct {
		CertificateArn   string   `json:"certificateArn"`
		CertificateID    string   `json:"certificateId"`
		CACertificateID  string   `json:"caCertificateId,omitempty"`
		Status           string   `json:"status"`
		CertificatePem   string   `json:"certificatePem"`
		OwnedBy          string   `json:"ownedBy"`
		CreationDate     float64  `json:"creationDate"`
		LastModifiedDate float64  `json:"lastModifiedDate"`
		CustomerVersion  int      `json:"customerVersion"`
		GenerationID     string   `json:"generationId"`
		Validity         validity `json:"validity"`
		CertificateMode  string   `json:"certificateMode"`
		TransferData     struct{} `json:"transferData"`
	}{
		c.ARN, c.ID, c.CACertificateID, string(c.Status), c.PEM, c.OwnedBy, epochSeconds(c.CreationDate),
		epochSeconds(c.LastModifiedDate), c.CustomerVersion, c.GenerationID,
		validity{epochSeconds(c.X509.NotBefore), epochSeconds(c.X509.NotAfter)}, c.Mode, struct{}{},
	}})
}

func (s *Server) handleListCertificates(w http.ResponseWriter, r *http.Request) {
	size, marker, err := pageParams(r, "pageSize", "marker")
	var asc bool
	if err == nil {
		asc, err = queryBool(r, "isAscendingOrder")
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	list, next, err := s.iotreg.ListCertificates(marker, size, asc)
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	type item struct {
		CertificateArn  string  `json:"certificateArn"`
		CertificateID   string  `json:"certificateId"`
		Status          string  `json:"status"`
		CertificateMode string  `json:"certificateMode"`
		CreationDate    float64 `json:"creationDate"`
	}
	out := struct {
		Certificates []item `json:"certificates"`
		NextMarker   string `json:"nextMarker,omitempty"`
	}{Certificates: []item{}, NextMarker: next}
	for _, c := range list {
		out.Certificates = append(out.Certificates, item{c.ARN, c.ID, string(c.Status), c.Mode, epochSeconds(c.CreationDate)})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

func (s *Server) handleDeleteCertificate(w http.ResponseWriter, r *http.Request) {
	force, err := queryBool(r, "forceDelete")
	if err == nil {
		err = s.iotreg.DeleteCertificate(r.PathValue("certificateId"), force)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}
