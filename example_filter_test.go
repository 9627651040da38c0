package sonet_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

// A GroupFilter holds only what sonet_group.get honours: here Bitrix search
// syntax on NAME and a field the docs do not list but GetList filters on.
func ExampleGroupFilter() {
	srv := sonettest.NewServer()
	defer srv.Close()
	for _, name := range []string{"Alpha launch", "Omega", "Alpha draft"} {
		srv.AddGroup(sonettest.NewGroup(name))
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithoutRateLimit())

	page, err := c.ListGroups(context.Background(), &sonet.GroupListOptions{
		Filter: sonet.GroupFilter{
			sonet.FieldName.Search("alpha ~draft | omega"),
			sonet.FieldSubjectName.Eq("Workgroups"),
		},
		Order: sonet.Order{sonet.FieldID.Asc()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range page.Items {
		fmt.Println(g.ID, g.Name)
	}
	// Output:
	// 1 Alpha launch
	// 2 Omega
}

// Where is checked against the method before anything is sent: the portal
// would drop "=%" silently and return every group.
func ExampleWhere() {
	_, err := (&sonet.GroupListOptions{Filter: sonet.GroupFilter{sonet.Where("=%NAME", "%Alpha%")}}).Encode()
	fmt.Println(errors.Is(err, sonet.ErrValidation))

	body, _ := (&sonet.GroupListOptions{Filter: sonet.GroupFilter{sonet.Where("?KEYWORDS", "web|mobile")}}).Encode()
	fmt.Println(body)
	// Output:
	// true
	// FILTER[%3FKEYWORDS]=web%7Cmobile
}

// WorkgroupFilter takes the ORM operators socialnetwork.api.workgroup.list
// knows, such as a LIKE pattern with the caller's own wildcards.
func ExampleWorkgroupFilter() {
	body, _ := (&sonet.WorkgroupListOptions{
		Filter: sonet.WorkgroupFilter{
			sonet.FieldName.LikePattern("Q_ %"),
			sonet.WorkgroupFilterType.Eq(sonet.WorkgroupTypeProject),
		},
		Select: []sonet.WorkgroupField{sonet.WorkgroupFieldID, sonet.WorkgroupFieldName},
	}).Encode()
	fmt.Println(body)
	// Output: filter[%3D%25NAME]=Q_%20%25&filter[TYPE]=project&select[0]=ID&select[1]=NAME
}
