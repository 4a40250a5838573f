package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// bodyOverrides are valid bodies for operations whose schema a generated
// body cannot satisfy (patterns, cross-field rules): the role check is
// only reached by a request the validator lets through.
var bodyOverrides = map[string]any{
	"openManifest": map[string]any{"carrier": "yamato", "pickup_date": "2026-11-23", "pickup_time": "14:00"},
}

// TestRoles_EveryOpsRouteAsEveryRole walks every staff operation of the
// OpenAPI document as each role, with a request the validator accepts, and
// checks on the server that a role without the menu is refused with 403 and
// a role with it is not refused for its role. A new operation is covered
// the day it is added; one the walk cannot reach fails the test.
func TestRoles_EveryOpsRouteAsEveryRole(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	seed := opsSeed()
	seed.Staff = append(seed.Staff,
		soko.SeedStaff{Staff: soko.Staff{BadgeCode: "L001", Name: "小林", Role: soko.RoleShipper, Active: true}, PIN: "2222"},
		soko.SeedStaff{Staff: soko.Staff{BadgeCode: "A001", Name: "渡辺", Role: soko.RoleAdmin, Active: true}, PIN: "4444"},
	)
	if err := db.Load(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }})
	badges := map[soko.Role][2]string{
		soko.RolePicker: {"P001", "1111"}, soko.RolePacker: {"K001", "3333"}, soko.RoleShipper: {"L001", "2222"},
		soko.RoleSupervisor: {"V001", "5555"}, soko.RoleAdmin: {"A001", "4444"},
	}
	spec, _ := mustLoadSpec()
	var paths []string
	for p := range spec.Paths.Map() {
		if strings.HasPrefix(p, "/ops/") {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	walked := 0
	for _, role := range soko.Roles {
		s := signIn(t, h, badges[role][0], badges[role][1])
		for _, p := range paths {
			for method, op := range spec.Paths.Value(p).Operations() {
				if op.Security == nil || len(*op.Security) == 0 || len((*op.Security)[0]) == 0 || (p == "/ops/session" && method != http.MethodGet) {
					continue // signing in and out is for everyone
				}
				menu := menuOf(t, p, method, op)
				if menu == "" {
					continue // missing, or open to every signed-in member
				}
				walked++
				r := send(s, method, fillPath(p, append(spec.Paths.Value(p).Parameters, op.Parameters...)), op)
				refusedForRole := r.Status == http.StatusForbidden && strings.Contains(string(r.Raw), "権限がありません")
				if role.May(menu) && refusedForRole {
					t.Errorf("%s %s refuses a %s, who may use %s: %s", method, p, role, menu, r.Raw)
				}
				if !role.May(menu) && !refusedForRole {
					t.Errorf("%s %s as a %s (no %s menu): %d %s, want 403", method, p, role, menu, r.Status, r.Raw)
				}
			}
		}
	}
	if walked < 5*60 {
		t.Errorf("walked %d requests: fewer operations than the document has", walked)
	}
}

// menuOf is the menu an operation needs; an operation missing from
// operationMenus fails the walk, so none is added unclassified.
func menuOf(t *testing.T, path, method string, op *openapi3.Operation) soko.Menu {
	t.Helper()
	m, ok := operationMenus[strings.ToUpper(op.OperationID[:1])+op.OperationID[1:]]
	if !ok {
		t.Errorf("%s %s (%s) is in no menu: add it to operationMenus", method, path, op.OperationID)
	}
	return m
}

// operationMenus is the menu every staff operation needs, by operation id;
// "" is open to every signed-in member (who they are, box types, what a
// barcode is). soko.Role.May decides who has which menu; each entry is a
// promise TestRoles_EveryOpsRouteAsEveryRole checks on the server.
var operationMenus = map[string]soko.Menu{
	"CloseManifest":             soko.MenuHandover,
	"CountLocation":             soko.MenuCount,
	"ListKittingTasks":          soko.MenuPutAway,
	"CreateKittingTask":         soko.MenuConsole,
	"GetKittingTask":            soko.MenuPutAway,
	"CompleteKittingTask":       soko.MenuPutAway,
	"CancelKittingTask":         soko.MenuConsole,
	"CreateAdminAPIKey":         soko.MenuAdmin,
	"ListAdminRateCards":        soko.MenuAdmin,
	"PutAdminRateCard":          soko.MenuAdmin,
	"ListAdminStatements":       soko.MenuAdmin,
	"GetAdminStatement":         soko.MenuAdmin,
	"CloseAdminStatement":       soko.MenuAdmin,
	"AddAdminBillingAdjustment": soko.MenuAdmin,
	"ListAdminPortalUsers":      soko.MenuAdmin,
	"InviteAdminPortalUser":     soko.MenuAdmin,
	"UpdateAdminPortalUser":     soko.MenuAdmin,
	"ResetAdminPortalUserTOTP":  soko.MenuAdmin,
	"CreateAdminBoxType":        soko.MenuAdmin,
	"DeleteAdminCarrierAccount": soko.MenuAdmin,
	"ListAdminCarrierAccounts":  soko.MenuAdmin,
	"PutAdminCarrierAccount":    soko.MenuAdmin,
	"CreateAdminLocation":       soko.MenuAdmin,
	"CreateAdminMerchant":       soko.MenuAdmin,
	"CreateAdminStaff":          soko.MenuAdmin,
	"CreateTrackingRange":       soko.MenuConsole,
	"ExportCarrierCSV":          soko.MenuPack,
	"FinishReceiving":           soko.MenuReceive,
	"GetAdminWebhookEndpoint":   soko.MenuAdmin,
	"GetConsoleOrder":           soko.MenuConsole,
	"GetDashboard":              soko.MenuConsole,
	"GetDashboardChart":         soko.MenuConsole,
	"GetEmailTemplate":          soko.MenuConsole,
	"GetManifest":               soko.MenuHandover,
	"GetOpsDelivery":            soko.MenuConsole,
	"GetOpsInbound":             soko.MenuReceive,
	"GetOpsLocation":            "",
	"GetStaffSession":           "",
	"ListAuditLog":              soko.MenuAdmin,
	"ImportCarrierCSV":          soko.MenuPack,
	"PreviewCarrierImport":      soko.MenuPack,
	"ImportOrderFile":           soko.MenuConsole,
	"InspectScan":               soko.MenuPack,
	"LabelOrder":                soko.MenuPack,
	"ListAdminAPIKeys":          soko.MenuAdmin,
	"ListAdminBoxTypes":         soko.MenuConsole,
	"ListAdminLocations":        soko.MenuConsole,
	"ListAdminMerchants":        soko.MenuConsole,
	"ListAdminStaff":            soko.MenuConsole,
	"ListBoxTypes":              "",
	"ListCountTasks":            soko.MenuConsole,
	"ListLedger":                soko.MenuConsole,
	"ListLowStock":              soko.MenuConsole,
	"ListManifests":             soko.MenuHandover,
	"ListOpsDeliveries":         soko.MenuConsole,
	"ListOpsInbounds":           soko.MenuReceive,
	"ListOpsMerchants":          "",
	"ListStockPlaces":           soko.MenuConsole,
	"ListTrackingRanges":        soko.MenuConsole,
	"LoadParcel":                soko.MenuHandover,
	"LookupProduct":             "",
	"NextPick":                  soko.MenuPick,
	"OpenManifest":              soko.MenuHandover,
	"PackOrder":                 soko.MenuPack,
	"PickScan":                  soko.MenuPick,
	"PreviewEmailTemplate":      soko.MenuConsole,
	"PreviewOrderImport":        soko.MenuConsole,
	"PrintDocuments":            soko.MenuPack,
	"PrintHandover":             soko.MenuHandover,
	"PrintLocationLabels":       soko.MenuConsole,
	"PrintSlip":                 soko.MenuPack,
	"PrintStaffBadges":          soko.MenuConsole,
	"PrintWave":                 soko.MenuPack,
	"PutAdminWebhookEndpoint":   soko.MenuAdmin,
	"PutAwayScan":               soko.MenuPutAway,
	"PutEmailTemplate":          soko.MenuAdmin,
	"ReceiveScan":               soko.MenuReceive,
	"RedeliverOps":              soko.MenuConsole,
	"ReleasePickList":           soko.MenuConsole,
	"ReleaseWave":               soko.MenuConsole,
	"ResetAdminStaffPIN":        soko.MenuAdmin,
	"ResetInspection":           soko.MenuConsole,
	"RevokeAdminAPIKey":         soko.MenuAdmin,
	"SearchConsoleOrders":       soko.MenuConsole,
	"ShortPick":                 soko.MenuPick,
	"StationOrder":              soko.MenuPack,
	"SuperviseOrder":            soko.MenuConsole,
	"UpdateAdminBoxType":        soko.MenuAdmin,
	"UpdateAdminLocation":       soko.MenuAdmin,
	"UpdateAdminMerchant":       soko.MenuAdmin,
	"UpdateAdminStaff":          soko.MenuAdmin,
	"GetStockFigures":           soko.MenuConsole,
	"GetShipCalendar":           soko.MenuConsole,
	"PutShipCalendar":           soko.MenuConsole,
	"GetTransitDays":            soko.MenuConsole,
	"PutTransitDays":            soko.MenuConsole,
	"ImportStatusCSV":           soko.MenuConsole,
	"GetReplenishment":          soko.MenuConsole,
	"GetReplenishmentChart":     soko.MenuConsole,
	"AcceptReplenishment":       soko.MenuConsole,
	"ApproveOpsPurchaseOrder":   soko.MenuConsole,
	"PrintPurchaseOrder":        soko.MenuConsole,
	"ExportPurchaseOrderCSV":    soko.MenuConsole,
	"ListOpsReturns":            soko.MenuConsole,
	"CompleteReturn":            soko.MenuConsole,
	"IdentifyReturn":            soko.MenuReturns,
	"GetOpsReturn":              soko.MenuReturns,
	"ReceiveReturnUnit":         soko.MenuReturns,
	"FinishReturn":              soko.MenuReturns,
	"PrintReturnSlip":           soko.MenuReturns,
}

// fillPath puts a plausible value in each path parameter.
func fillPath(path string, params openapi3.Parameters) string {
	for _, p := range params {
		if p.Value.In != "path" {
			continue
		}
		path = strings.ReplaceAll(path, "{"+p.Value.Name+"}", sampleValue(p.Value.Schema.Value))
	}
	var q []string
	for _, p := range params {
		if p.Value.In == "query" && p.Value.Required {
			q = append(q, p.Value.Name+"="+sampleValue(p.Value.Schema.Value))
		}
	}
	if len(q) > 0 {
		path += "?" + strings.Join(q, "&")
	}
	return path
}

func sampleValue(s *openapi3.Schema) string {
	v, _ := json.Marshal(sample(s))
	return strings.Trim(string(v), `"`)
}

// validBody is a request body the schema accepts: every required field with
// a value of its type, or the override for the operation.
func validBody(op *openapi3.Operation) any {
	if b, ok := bodyOverrides[op.OperationID]; ok {
		return b
	}
	if op.RequestBody == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil {
		return nil
	}
	return sample(mt.Schema.Value)
}

func sample(s *openapi3.Schema) any {
	switch {
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Pattern == `^[0-9]{4}-(0[1-9]|1[0-2])$`: // a billing month
		return "2026-10"
	case len(s.AllOf) > 0:
		out := map[string]any{}
		for _, part := range s.AllOf {
			for k, v := range sample(part.Value).(map[string]any) {
				out[k] = v
			}
		}
		return out
	}
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil {
			return max(*s.Min, 1)
		}
		return 1
	case s.Type.Is("boolean"):
		return false
	case s.Type.Is("array"):
		n := max(int(s.MinItems), 1)
		out := make([]any, n)
		for i := range out {
			out[i] = sample(s.Items.Value)
		}
		return out
	case s.Type.Is("object"):
		out := map[string]any{}
		for _, name := range s.Required {
			out[name] = sample(s.Properties[name].Value)
		}
		return out
	}
	switch s.Format {
	case "date":
		return "2026-11-23"
	case "date-time":
		return "2026-11-23T09:00:00Z"
	}
	return strings.Repeat("A", max(int(s.MinLength), 3))
}

// send makes the request as s, with a body of the kind the operation takes:
// JSON, or a CSV file.
func send(s staffClient, method, path string, op *openapi3.Operation) reply {
	if op.RequestBody != nil && op.RequestBody.Value.Content.Get("text/csv") != nil {
		return s.do(method, path, "注文番号,SKU\nA-1,TOWEL\n", "Cookie", s.cookie.Name+"="+s.cookie.Value, "X-CSRF-Token", s.csrf, "Content-Type", "text/csv")
	}
	return s.op(method, path, validBody(op), s.csrf)
}
