package emulator

import (
	"net/http"

	"github.com/iotemu/iotemu/internal/awsrest"
	"github.com/iotemu/iotemu/internal/route"
	iotreg "github.com/iotemu/iotemu/registry"
)

// Static thing groups: CreateThingGroup, DescribeThingGroup,
// ListThingGroups, AddThingToThingGroup, RemoveThingFromThingGroup,
// DeleteThingGroup.

func (s *Server) registerThingGroupRoutes(rt *route.Router) {
	rt.HandleFunc("/thing-groups", s.handleListThingGroups, http.MethodGet)
	rt.HandleFunc("/thing-groups/addThingToThingGroup", s.handleAddThingToThingGroup, http.MethodPut)
	rt.HandleFunc("/thing-groups/removeThingFromThingGroup", s.handleRemoveThingFromThingGroup, http.MethodPut)
	rt.HandleFunc("/thing-groups/{thingGroupName}", s.handleCreateThingGroup, http.MethodPost)
	rt.HandleFunc("/thing-groups/{thingGroupName}", s.handleDescribeThingGroup, http.MethodGet)
	rt.HandleFunc("/thing-groups/{thingGroupName}", s.handleDeleteThingGroup, http.MethodDelete)
}

type thingGroupPropertiesJSON struct {
	ThingGroupDescription string            `json:"thingGroupDescription,omitempty"`
	AttributePayload      *attributePayload `json:"attributePayload,omitempty"`
}

type groupNameAndARN struct {
	GroupName string `json:"groupName"`
	GroupArn  string `json:"groupArn"`
}

func (s *Server) handleCreateThingGroup(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ParentGroupName      string                   `json:"parentGroupName"`
		ThingGroupProperties thingGroupPropertiesJSON `json:"thingGroupProperties"`
	}
	if err := readJSON(r, &in); err != nil {
		writeRegistryError(w, err)
		return
	}
	req := iotreg.CreateThingGroupInput{
		Name: r.PathValue("thingGroupName"), ParentName: in.ParentGroupName,
		Description: in.ThingGroupProperties.ThingGroupDescription,
	}
	if p := in.ThingGroupProperties.AttributePayload; p != nil {
		req.Attributes = p.Attributes
	}
	g, err := s.iotreg.CreateThingGroup(req)
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		ThingGroupName string `json:"thingGroupName"`
		ThingGroupArn  string `json:"thingGroupArn"`
		ThingGroupID   string `json:"thingGroupId"`
	}{g.Name, g.ARN, g.ID})
}

func (s *Server) handleDescribeThingGroup(w http.ResponseWriter, r *http.Request) {
	g, err := s.iotreg.DescribeThingGroup(r.PathValue("thingGroupName"))
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	type metadata struct {
		ParentGroupName         string            `json:"parentGroupName,omitempty"`
		RootToParentThingGroups []groupNameAndARN `json:"rootToParentThingGroups,omitempty"`
		CreationDate            float64           `json:"creationDate"`
	}
	md := metadata{ParentGroupName: g.ParentName, CreationDate: epochSeconds(g.CreationDate)}
	for _, a := range g.Ancestors {
		md.RootToParentThingGroups = append(md.RootToParentThingGroups, groupNameAndARN{a, s.iotreg.ThingGroupARN(a)})
	}
	props := thingGroupPropertiesJSON{ThingGroupDescription: g.Description}
	if len(g.Attributes) > 0 {
		props.AttributePayload = &attributePayload{Attributes: g.Attributes}
	}
	awsrest.WriteJSON(w, requestID(w), struct {
		ThingGroupName       string                   `json:"thingGroupName"`
		ThingGroupID         string                   `json:"thingGroupId"`
		ThingGroupArn        string                   `json:"thingGroupArn"`
		Version              int64                    `json:"version"`
		ThingGroupProperties thingGroupPropertiesJSON `json:"thingGroupProperties"`
		ThingGroupMetadata   metadata                 `json:"thingGroupMetadata"`
		Status               string                   `json:"status,omitempty"`
	}{g.Name, g.ID, g.ARN, g.Version, props, md, ""})
}

func (s *Server) handleListThingGroups(w http.ResponseWriter, r *http.Request) {
	size, token, err := pageParams(r, "maxResults", "nextToken")
	var recursive bool
	if err == nil {
		recursive, err = queryBool(r, "recursive")
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	q := r.URL.Query()
	groups, next, err := s.iotreg.ListThingGroups(iotreg.ListThingGroupsInput{
		MaxResults: size, NextToken: token, ParentGroup: q.Get("parentGroup"),
		NamePrefixFilter: q.Get("namePrefixFilter"), Recursive: recursive,
	})
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	out := struct {
		ThingGroups []groupNameAndARN `json:"thingGroups"`
		NextToken   string            `json:"nextToken,omitempty"`
	}{ThingGroups: []groupNameAndARN{}, NextToken: next}
	for _, g := range groups {
		out.ThingGroups = append(out.ThingGroups, groupNameAndARN{g.Name, g.ARN})
	}
	awsrest.WriteJSON(w, requestID(w), out)
}

// thingGroupMember is the body of AddThingToThingGroup and
// RemoveThingFromThingGroup: names or ARNs.
type thingGroupMember struct {
	ThingGroupName string `json:"thingGroupName"`
	ThingGroupArn  string `json:"thingGroupArn"`
	ThingName      string `json:"thingName"`
	ThingArn       string `json:"thingArn"`
}

func (s *Server) memberNames(r *http.Request) (group, thing string, err error) {
	var in thingGroupMember
	if err := readJSON(r, &in); err != nil {
		return "", "", err
	}
	group, thing = in.ThingGroupName, in.ThingName
	if group == "" && in.ThingGroupArn != "" {
		if group = s.iotreg.GroupNameFromARN(in.ThingGroupArn); group == "" {
			return "", "", invalid("Invalid thingGroupArn: %s", in.ThingGroupArn)
		}
	}
	if thing == "" && in.ThingArn != "" {
		if thing = s.iotreg.ThingNameFromARN(in.ThingArn); thing == "" {
			return "", "", invalid("Invalid thingArn: %s", in.ThingArn)
		}
	}
	return group, thing, nil
}

func (s *Server) handleAddThingToThingGroup(w http.ResponseWriter, r *http.Request) {
	group, thing, err := s.memberNames(r)
	if err == nil {
		err = s.iotreg.AddThingToThingGroup(group, thing)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleRemoveThingFromThingGroup(w http.ResponseWriter, r *http.Request) {
	group, thing, err := s.memberNames(r)
	if err == nil {
		err = s.iotreg.RemoveThingFromThingGroup(group, thing)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}

func (s *Server) handleDeleteThingGroup(w http.ResponseWriter, r *http.Request) {
	v, err := queryVersion(r, "expectedVersion")
	if err == nil {
		err = s.iotreg.DeleteThingGroup(r.PathValue("thingGroupName"), v)
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeEmptyObject(w)
}
