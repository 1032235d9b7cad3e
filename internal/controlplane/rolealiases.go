package controlplane

import (
	"context"
	"net/http"

	"github.com/iotemu/iotemu/internal/route"
	"github.com/iotemu/iotemu/tagging"
)

// Role aliases: Create/Describe/List/Update/DeleteRoleAlias. The
// credentials provider that serves them to devices is
// internal/credprovider.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateRoleAlias.html#API_CreateRoleAlias_RequestSyntax
// and the pages of the other operations.

func (c *ControlPlane) registerRoleAliases(rt *route.Router) {
	rt.Handle("/role-aliases", handle(decodeOrdered, c.listRoleAliases), http.MethodGet)
	rt.Handle("/role-aliases/{roleAlias}", handle(decodeRoleAlias, c.createRoleAlias), http.MethodPost)
	rt.Handle("/role-aliases/{roleAlias}", handle(path("roleAlias"), c.describeRoleAlias), http.MethodGet)
	rt.Handle("/role-aliases/{roleAlias}", handle(decodeRoleAlias, c.updateRoleAlias), http.MethodPut)
	rt.Handle("/role-aliases/{roleAlias}", handle(path("roleAlias"), c.deleteRoleAlias), http.MethodDelete)
}

type roleAliasInput struct {
	alias, roleARN string
	duration       int
	tags           []tagging.Tag
}

func decodeRoleAlias(r *http.Request) (roleAliasInput, error) {
	var in struct {
		RoleArn                   string        `json:"roleArn"`
		CredentialDurationSeconds int           `json:"credentialDurationSeconds"`
		Tags                      []tagging.Tag `json:"tags"`
	}
	if err := readJSON(r, &in); err != nil {
		return roleAliasInput{}, err
	}
	return roleAliasInput{r.PathValue("roleAlias"), in.RoleArn, in.CredentialDurationSeconds, in.Tags}, createTags(in.Tags)
}

type roleAliasRef struct {
	RoleAlias    string `json:"roleAlias"`
	RoleAliasArn string `json:"roleAliasArn"`
}

func (c *ControlPlane) createRoleAlias(_ context.Context, in roleAliasInput) (roleAliasRef, error) {
	a, err := c.reg.CreateRoleAlias(in.alias, in.roleARN, in.duration)
	return roleAliasRef{a.Alias, a.ARN}, c.tagCreated(a.ARN, in.tags, err)
}

type roleAliasDescription struct {
	RoleAlias                 string  `json:"roleAlias"`
	RoleAliasArn              string  `json:"roleAliasArn"`
	RoleArn                   string  `json:"roleArn"`
	Owner                     string  `json:"owner"`
	CredentialDurationSeconds int     `json:"credentialDurationSeconds"`
	CreationDate              float64 `json:"creationDate"`
	LastModifiedDate          float64 `json:"lastModifiedDate"`
}

type describeRoleAliasOutput struct {
	RoleAliasDescription roleAliasDescription `json:"roleAliasDescription"`
}

func (c *ControlPlane) describeRoleAlias(_ context.Context, alias string) (describeRoleAliasOutput, error) {
	a, err := c.reg.DescribeRoleAlias(alias)
	return describeRoleAliasOutput{roleAliasDescription{a.Alias, a.ARN, a.RoleARN, a.Owner, a.CredentialDurationSeconds,
		epochSeconds(a.CreationDate), epochSeconds(a.LastModifiedDate)}}, err
}

func (c *ControlPlane) updateRoleAlias(_ context.Context, in roleAliasInput) (roleAliasRef, error) {
	a, err := c.reg.UpdateRoleAlias(in.alias, in.roleARN, in.duration)
	return roleAliasRef{a.Alias, a.ARN}, err
}

func (c *ControlPlane) deleteRoleAlias(_ context.Context, alias string) (empty, error) {
	if err := c.reg.DeleteRoleAlias(alias); err != nil {
		return empty{}, err
	}
	c.tags.Drop(c.reg.RoleAliasARN(alias))
	return empty{}, nil
}

type listRoleAliasesOutput struct {
	RoleAliases []string `json:"roleAliases"`
	NextMarker  string   `json:"nextMarker,omitempty"`
}

func (c *ControlPlane) listRoleAliases(_ context.Context, in ordered) (listRoleAliasesOutput, error) {
	names, next, err := c.reg.ListRoleAliases(in.token, in.size, in.ascending)
	return listRoleAliasesOutput{append([]string{}, names...), next}, err
}
