package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

func rowProblems(ps []carrier.RowProblem, lang string) []api.RowProblem {
	out := make([]api.RowProblem, len(ps))
	for i, p := range ps {
		out[i] = api.RowProblem{Row: p.Row, Field: p.Field, Message: p.Message.In(lang)}
		if p.OrderNumber != "" {
			out[i].OrderNo = &ps[i].OrderNumber
		}
	}
	return out
}

// ExportCarrierCSV answers GET /ops/carrier-exports/{carrier}.
func (h apiHandlers) ExportCarrierCSV(ctx context.Context, req api.ExportCarrierCSVRequestObject) (api.ExportCarrierCSVResponseObject, error) {
	if _, err := allow(ctx, soko.MenuPack); err != nil {
		return nil, err
	}
	code := string(req.Carrier)
	parcels, orders, merchants, err := h.store.ParcelsToExport(ctx, code)
	if err != nil {
		return nil, err
	}
	accounts, err := h.store.CarrierAccounts(ctx)
	if err != nil {
		return nil, err
	}
	count := map[int64]int{}
	for _, p := range parcels {
		count[p.OrderID]++
	}
	rows := make([]carrier.ExportRow, len(parcels))
	for i, p := range parcels {
		o := orders[p.OrderID]
		item, others := "", 0
		if len(o.Lines) > 0 {
			// As the label prints it: the first product, 他N点 the rest.
			item, others = o.Lines[0].Name, len(o.Lines)-1
		}
		rows[i] = carrier.ExportRow{Parcel: p, Parcels: count[p.OrderID], Order: *o, Merchant: *merchants[o.MerchantID],
			ShipDate: h.now(), ItemName: item, OtherItems: others, Account: soko.AccountFor(accounts, code, o.MerchantID)}
	}
	var buf bytes.Buffer
	problems, err := carrier.Export(&buf, code, rows)
	if err != nil {
		return nil, err
	}
	left := map[int]bool{}
	for _, p := range problems {
		left[p.Row] = true
	}
	return api.ExportCarrierCSV200JSONResponse{
		Filename: fmt.Sprintf("%s-%s.csv", code, h.now().In(soko.JST).Format("20060102-1504")),
		Rows:     len(rows) - len(left), Csv: buf.Bytes(), Problems: rowProblems(problems, langOf(ctx)),
	}, nil
}

// carrierImportStore is what importing issued tracking numbers needs of the store.
type carrierImportStore interface {
	ParcelsByID(ctx context.Context, ids []int64) ([]soko.Parcel, map[int64]string, error)
	ParcelsByTrackingNumber(ctx context.Context, numbers []string) ([]soko.Parcel, map[int64]string, error)
	TrackingRangeHistory(ctx context.Context) ([]soko.TrackingRange, error)
	AttachTrackingNumbers(ctx context.Context, parcels []soko.Parcel, staffID int64) ([]string, error)
	ParcelsToExport(ctx context.Context, carrierCode string) ([]soko.Parcel, map[int64]*soko.Order, map[int64]*soko.Merchant, error)
}

// issuedFile is a checked issued-number file: its numbers, the parcels an
// import gives them to, and every problem from the file and the store.
type issuedFile struct {
	carrier   string
	issued    []carrier.Issued
	attach    []soko.Parcel     // parcels without a number, with the one to give them
	unchanged int               // rows whose parcel has the number already
	orderNo   map[string]string // order number by the management number of one of its parcels
	problems  []carrier.RowProblem
}

// checkIssuedFile reads the carrier's issued-number file and checks every
// row against the store: the parcel it names, and that no other parcel, of
// any carrier, and no other carrier's number range has its number.
func (h apiHandlers) checkIssuedFile(ctx context.Context, code string, body io.Reader) (*issuedFile, error) {
	issued, problems, err := carrier.ImportIssued(io.LimitReader(body, 10<<20), code)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(issued))
	numbers := make([]string, len(issued))
	for i, is := range issued {
		ids[i], numbers[i] = is.ParcelID, is.TrackingNumber
	}
	candidates, orderNo, err := h.store.ParcelsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	holders, holderOrders, err := h.store.ParcelsByTrackingNumber(ctx, numbers)
	if err != nil {
		return nil, err
	}
	ranges, err := h.store.TrackingRangeHistory(ctx)
	if err != nil {
		return nil, err
	}
	matched, unmatched := carrier.Match(code, issued, candidates, orderNo)
	problems = append(append(problems, unmatched...), carrier.Taken(code, issued, holders, holderOrders, ranges)...)
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Row < problems[j].Row })
	f := &issuedFile{carrier: code, issued: issued, orderNo: map[string]string{}, problems: problems}
	had := map[int64]bool{}
	for _, p := range candidates {
		had[p.ID] = p.TrackingNumber != ""
		f.orderNo[carrier.ManagementNumber(p, orderNo[p.OrderID])] = orderNo[p.OrderID]
	}
	rowOrder := map[int]string{}
	for _, is := range issued {
		rowOrder[is.Row] = f.orderNo[is.ManagementNumber]
	}
	for i := range f.problems {
		if f.problems[i].OrderNumber == "" {
			f.problems[i].OrderNumber = rowOrder[f.problems[i].Row]
		}
	}
	for _, p := range matched {
		if had[p.ID] {
			f.unchanged++
		} else {
			f.attach = append(f.attach, p)
		}
	}
	return f, nil
}

// preview is the file as the console shows it before importing.
func (f *issuedFile) preview(lang string) api.CarrierImportPreview {
	out := api.CarrierImportPreview{
		Carrier: f.carrier, Numbers: len(f.issued), Attach: len(f.attach), Unchanged: f.unchanged,
		Problems:     rowProblems(f.problems[:min(len(f.problems), maxShownProblems)], lang),
		ProblemCount: len(f.problems), Sample: []api.CarrierImportRow{},
	}
	bad := map[int]bool{}
	for _, p := range f.problems {
		bad[p.Row] = true
	}
	attach := map[int64]bool{}
	for _, p := range f.attach {
		attach[p.ID] = true
	}
	for _, is := range f.issued[:min(len(f.issued), maxShownOrders)] {
		state := api.CarrierImportRowState("unchanged")
		switch {
		case bad[is.Row]:
			state = "problem"
		case attach[is.ParcelID]:
			state = "new"
		}
		out.Sample = append(out.Sample, api.CarrierImportRow{Row: is.Row, ManagementNo: is.ManagementNumber,
			OrderNo: f.orderNo[is.ManagementNumber], TrackingNumber: is.TrackingNumber, State: state})
	}
	return out
}

// PreviewCarrierImport answers POST /ops/carrier-imports/{carrier}/preview.
func (h apiHandlers) PreviewCarrierImport(ctx context.Context, req api.PreviewCarrierImportRequestObject) (api.PreviewCarrierImportResponseObject, error) {
	if _, err := allow(ctx, soko.MenuPack); err != nil {
		return nil, err
	}
	f, err := h.checkIssuedFile(ctx, string(req.Carrier), req.Body)
	if err != nil {
		return nil, err
	}
	return api.PreviewCarrierImport200JSONResponse(f.preview(langOf(ctx))), nil
}

// ImportCarrierCSV answers POST /ops/carrier-imports/{carrier}: every
// number of the file, or none.
func (h apiHandlers) ImportCarrierCSV(ctx context.Context, req api.ImportCarrierCSVRequestObject) (api.ImportCarrierCSVResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPack)
	if err != nil {
		return nil, err
	}
	f, err := h.checkIssuedFile(ctx, string(req.Carrier), req.Body)
	if err != nil {
		return nil, err
	}
	if len(f.problems) > 0 {
		return carrierImportRefusal{preview: f.preview(langOf(ctx)), lang: langOf(ctx)}, nil
	}
	labeled, err := h.store.AttachTrackingNumbers(ctx, f.attach, sess.Staff.ID)
	if err != nil {
		return nil, err
	}
	if labeled == nil {
		labeled = []string{}
	}
	sort.Strings(labeled)
	return api.ImportCarrierCSV200JSONResponse{Attached: len(f.attach), Unchanged: f.unchanged, LabeledOrders: labeled}, nil
}

// carrierImportRefusal answers an import whose file has problems, as
// importRefusal does for order files: a problem document whose extension
// members are the preview.
type carrierImportRefusal struct {
	preview api.CarrierImportPreview
	lang    string
}

func (r carrierImportRefusal) VisitImportCarrierCSVResponse(w http.ResponseWriter) error {
	b, err := json.Marshal(r.preview)
	if err != nil {
		return err
	}
	var out api.CarrierImportRefusal
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	out.Status = http.StatusUnprocessableEntity
	out.Type = "urn:soko:problem:" + soko.EINVALID
	out.Title = title(out.Status, r.lang)
	out.Detail = soko.Text{JA: fmt.Sprintf("取り込めませんでした。%d件の問題があります（伝票番号を1件も付けていません）", out.ProblemCount),
		EN: fmt.Sprintf("not imported: the file has %d problems (no tracking number was attached)", out.ProblemCount)}.In(r.lang)
	if id := requestID(w); id != "" {
		out.RequestId = &id
	}
	return api.ImportCarrierCSV422ApplicationProblemPlusJSONResponse(out).VisitImportCarrierCSVResponse(w)
}
