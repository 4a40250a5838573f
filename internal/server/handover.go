package server

import (
	"bytes"
	"context"
	"fmt"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/pdf"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// handoverStore is what handover.go's handlers need of the store.
type handoverStore interface {
	OpenManifest(ctx context.Context, m *soko.Manifest) error
	Manifest(ctx context.Context, id int64) (*soko.Manifest, error)
	LoadParcel(ctx context.Context, s *soko.HandoverScan) (*soko.ManifestParcel, *soko.Manifest, error)
	CloseManifest(ctx context.Context, c *soko.CloseManifest) (*soko.HandoverResult, error)
	RecordManifestPrint(ctx context.Context, manifestID, staffID int64) (reprint bool, err error)
}

func carrierName(code string) string {
	if c, ok := carrier.Find(code); ok {
		return c.Name.JA
	}
	return code
}

func serviceName(carrierCode, service string) string {
	if c, ok := carrier.Find(carrierCode); ok {
		if s, ok := c.Service(service); ok {
			return s.Name.JA
		}
	}
	return service
}

func manifestSummaryOut(m *soko.Manifest) api.ManifestSummary {
	out := api.ManifestSummary{
		Id: m.ID, Carrier: m.Carrier, CarrierName: carrierName(m.Carrier), PickupDate: openapi_types.Date{Time: m.PickupDate},
		Status: api.ManifestSummaryStatus(m.Status), Loaded: m.LoadedCount, Missing: m.MissingCount,
	}
	if m.PickupTime != "" {
		out.PickupTime = &m.PickupTime
	}
	if !m.ClosedAt.IsZero() {
		out.ClosedAt = &m.ClosedAt
	}
	return out
}

func manifestParcelOut(carrierCode string, p soko.ManifestParcel) api.ManifestParcel {
	out := api.ManifestParcel{
		TrackingNumber: p.TrackingNumber, OrderNo: p.OrderNumber, Merchant: p.Merchant, Prefecture: p.Prefecture,
		Parcel: p.Seq, Parcels: p.Of, Service: ptr(serviceName(carrierCode, p.Service)),
	}
	if p.CODAmount > 0 {
		out.CodAmount = &p.CODAmount
	}
	if !p.LoadedAt.IsZero() {
		out.LoadedAt = &p.LoadedAt
	}
	return out
}

func manifestParcelsOut(carrierCode string, ps []soko.ManifestParcel) []api.ManifestParcel {
	out := make([]api.ManifestParcel, len(ps))
	for i, p := range ps {
		out[i] = manifestParcelOut(carrierCode, p)
	}
	return out
}

func manifestOut(m *soko.Manifest) api.Manifest {
	s := manifestSummaryOut(m)
	out := api.Manifest{
		Id: s.Id, Carrier: s.Carrier, CarrierName: s.CarrierName, PickupDate: s.PickupDate, PickupTime: s.PickupTime,
		Status: api.ManifestStatus(s.Status), Loaded: s.Loaded, Missing: s.Missing, ClosedAt: s.ClosedAt, Cutoff: m.Cutoff(),
		LoadedParcels: manifestParcelsOut(m.Carrier, m.Loaded), MissingParcels: manifestParcelsOut(m.Carrier, m.Missing),
	}
	if m.ConfirmedByName != "" {
		out.ConfirmedBy = &m.ConfirmedByName
	}
	return out
}

// ListManifests answers GET /ops/manifests.
func (h apiHandlers) ListManifests(ctx context.Context, req api.ListManifestsRequestObject) (api.ListManifestsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuHandover); err != nil {
		return nil, err
	}
	ms, err := h.store.ListManifests(ctx, soko.ManifestFilter{Status: soko.ManifestStatus(deref(req.Params.Status)), Limit: 100})
	if err != nil {
		return nil, err
	}
	out := make(api.ListManifests200JSONResponse, len(ms))
	for i, m := range ms {
		out[i] = manifestSummaryOut(m)
	}
	return out, nil
}

// OpenManifest answers POST /ops/manifests.
func (h apiHandlers) OpenManifest(ctx context.Context, req api.OpenManifestRequestObject) (api.OpenManifestResponseObject, error) {
	sess, err := allow(ctx, soko.MenuHandover)
	if err != nil {
		return nil, err
	}
	m := &soko.Manifest{Carrier: string(req.Body.Carrier), PickupDate: req.Body.PickupDate.Time, PickupTime: deref(req.Body.PickupTime), OpenedBy: sess.Staff.ID}
	if err := h.store.OpenManifest(ctx, m); err != nil {
		return nil, err
	}
	if m, err = h.store.Manifest(ctx, m.ID); err != nil {
		return nil, err
	}
	return api.OpenManifest200JSONResponse(manifestOut(m)), nil
}

// GetManifest answers GET /ops/manifests/{manifest_id}.
func (h apiHandlers) GetManifest(ctx context.Context, req api.GetManifestRequestObject) (api.GetManifestResponseObject, error) {
	if _, err := allow(ctx, soko.MenuHandover); err != nil {
		return nil, err
	}
	m, err := h.store.Manifest(ctx, req.ManifestId)
	if err != nil {
		return nil, err
	}
	return api.GetManifest200JSONResponse(manifestOut(m)), nil
}

// LoadParcel answers POST /ops/manifests/{manifest_id}/scan.
func (h apiHandlers) LoadParcel(ctx context.Context, req api.LoadParcelRequestObject) (api.LoadParcelResponseObject, error) {
	sess, err := allow(ctx, soko.MenuHandover)
	if err != nil {
		return nil, err
	}
	p, m, err := h.store.LoadParcel(ctx, &soko.HandoverScan{
		ManifestID: req.ManifestId, Code: soko.ScannedCode(req.Body.Code), ScanID: req.Body.ScanId, StaffID: sess.Staff.ID, Device: sess.Device,
	})
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	msg := soko.Text{JA: fmt.Sprintf("積込 %s（%s）%d/%d", p.TrackingNumber, p.Prefecture, m.LoadedCount, m.LoadedCount+m.MissingCount),
		EN: fmt.Sprintf("Loaded %s (%s) %d/%d", p.TrackingNumber, p.Prefecture, m.LoadedCount, m.LoadedCount+m.MissingCount)}.In(lang)
	return api.LoadParcel200JSONResponse{Message: msg, Parcel: manifestParcelOut(m.Carrier, *p), Manifest: manifestOut(m)}, nil
}

// CloseManifest answers POST /ops/manifests/{manifest_id}/close. With
// parcels missing, a supervisor confirms: their badge and PIN checked here
// (with the sign-in's lockout), or the signed-in supervisor's own word.
func (h apiHandlers) CloseManifest(ctx context.Context, req api.CloseManifestRequestObject) (api.CloseManifestResponseObject, error) {
	sess, err := allow(ctx, soko.MenuHandover)
	if err != nil {
		return nil, err
	}
	c := &soko.CloseManifest{ManifestID: req.ManifestId, StaffID: sess.Staff.ID, Device: sess.Device}
	in := req.Body
	var badge *soko.Staff
	if deref(in.SupervisorBadge) != "" {
		boss, err := h.checkBadge(ctx, *in.SupervisorBadge, deref(in.SupervisorPin))
		if soko.ErrorCode(err) == soko.EUNAUTHORIZED {
			// The shipper is signed in: a 401 would read as their session ending.
			return nil, soko.Errorf(soko.EFORBIDDEN, "wrong supervisor badge or PIN").
				JA("スーパーバイザーのバッジまたはPINが違います").WithField("supervisor_pin", "wrong")
		}
		if err != nil {
			return nil, err
		}
		badge = boss
	}
	if c.ConfirmedBy, err = soko.ConfirmingSupervisor(*sess.Staff, deref(in.ConfirmMissing), badge); err != nil {
		return nil, err
	}
	res, err := h.store.CloseManifest(ctx, c)
	if err != nil {
		return nil, err
	}
	out := api.CloseManifest200JSONResponse{
		Manifest: manifestOut(res.Manifest), Shipped: orEmpty(res.Shipped), Waiting: orEmpty(res.Waiting),
		Pulled: manifestParcelsOut(res.Manifest.Carrier, res.Pulled),
	}
	out.Message = soko.Text{JA: fmt.Sprintf("集荷を締めました：%d個を引き渡し、%d件を出荷済みにしました", res.Manifest.LoadedCount, len(res.Shipped)),
		EN: fmt.Sprintf("Manifest closed: %d parcel(s) handed over, %d order(s) shipped", res.Manifest.LoadedCount, len(res.Shipped))}.In(langOf(ctx))
	if len(res.Pulled) > 0 {
		out.Message += soko.Text{JA: fmt.Sprintf("。キャンセル・保留の荷物%d個をトラックから降ろしてください", len(res.Pulled)),
			EN: fmt.Sprintf(". Take %d parcel(s) of cancelled or held orders off the truck", len(res.Pulled))}.In(langOf(ctx))
	}
	return out, nil
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// PrintHandover answers GET /ops/manifests/{manifest_id}/handover.pdf: the
// handover list (集荷明細) the driver signs. Every print is logged.
func (h apiHandlers) PrintHandover(ctx context.Context, req api.PrintHandoverRequestObject) (api.PrintHandoverResponseObject, error) {
	sess, err := allow(ctx, soko.MenuHandover)
	if err != nil {
		return nil, err
	}
	m, err := h.store.Manifest(ctx, req.ManifestId)
	if err != nil {
		return nil, err
	}
	if m.Status != soko.ManifestClosed {
		return nil, soko.Errorf(soko.ECONFLICT, "manifest %d is still open: close it first", m.ID).
			JA("集荷 #%d はまだ締めていません。締めてから印刷してください", m.ID)
	}
	d := pdf.HandoverData{
		ManifestID: m.ID, Carrier: carrierName(m.Carrier), PickupDate: m.PickupDate, PickupTime: m.PickupTime,
		Warehouse: h.warehouseName, ClosedAt: m.ClosedAt, ClosedBy: m.ClosedByName, ConfirmedBy: m.ConfirmedByName,
		Parcels: handoverParcels(m.Carrier, m.Loaded), Missing: handoverParcels(m.Carrier, m.Missing),
	}
	if d.Reprint, err = h.store.RecordManifestPrint(ctx, m.ID, sess.Staff.ID); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pdf.Handover(&buf, d, pdf.HandoverOptions{Now: h.now, DPI: h.printerDPI}); err != nil {
		return nil, err
	}
	return api.PrintHandover200ApplicationpdfResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}

func handoverParcels(carrierCode string, ps []soko.ManifestParcel) []pdf.HandoverParcel {
	out := make([]pdf.HandoverParcel, len(ps))
	for i, p := range ps {
		out[i] = pdf.HandoverParcel{
			TrackingNumber: p.TrackingNumber, OrderNumber: p.OrderNumber, Merchant: p.Merchant, Prefecture: p.Prefecture,
			Service: serviceName(carrierCode, p.Service), Seq: p.Seq, Of: p.Of, CODAmount: p.CODAmount,
		}
	}
	return out
}
