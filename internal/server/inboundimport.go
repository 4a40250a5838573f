package server

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/soko-wms/soko/internal/inboundimport"
	"github.com/soko-wms/soko/internal/pdf"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// inboundStore is what inbound files and sheets need of the store beside
// the inbound operations every merchant API caller has.
type inboundStore interface {
	CreateInbounds(ctx context.Context, ins []*soko.Inbound) error
	InboundProducts(ctx context.Context, merchantID int64, skus, codes []string) (bySKU, byCode map[string]*soko.Product, err error)
}

// maxInboundProblems bounds the problems one refusal lists: a file of
// 10,000 bad rows must not become an answer nobody can read.
const maxInboundProblems = 1000

// ImportInbounds answers POST /api/v1/inbound-imports: a shop's inbound
// file (入荷予定CSV) becomes its inbounds, all of them or, when any row is
// wrong, none, with every row's problem named.
func (h apiHandlers) ImportInbounds(ctx context.Context, req api.ImportInboundsRequestObject) (api.ImportInboundsResponseObject, error) {
	merchantID := merchantOf(ctx)
	opt := inboundimport.Options{Number: deref(req.Params.InboundNo)}
	if req.Params.ExpectedDate != nil {
		opt.ExpectedDate = req.Params.ExpectedDate.Time
	}
	res, err := inboundimport.Parse(req.Body, opt)
	if err != nil {
		return nil, err
	}
	problems := res.Problems
	var skus, jans []string
	for _, l := range res.Products {
		if l.SKU != "" {
			skus = append(skus, l.SKU)
		} else {
			jans = append(jans, l.JAN)
		}
	}
	bySKU, byJAN, err := h.store.InboundProducts(ctx, merchantID, skus, jans)
	if err != nil {
		return nil, err
	}
	product := func(l inboundimport.Line) *soko.Product {
		if l.SKU != "" {
			return bySKU[l.SKU]
		}
		return byJAN[l.JAN]
	}
	for _, l := range res.Products {
		if product(l) != nil {
			continue
		}
		column, code := l.SKUColumn, l.SKU
		if l.SKU == "" {
			column, code = l.JANColumn, l.JAN
		}
		problems = append(problems, inboundimport.Problem{Row: l.Row, Column: column,
			Message: soko.Text{JA: fmt.Sprintf("商品 %s は登録されていません", code), EN: fmt.Sprintf("unknown product %s", code)}})
	}
	ins := make([]*soko.Inbound, 0, len(res.Inbounds))
	for _, fi := range res.Inbounds {
		in := &soko.Inbound{MerchantID: merchantID, Number: fi.Number, ExpectedDate: fi.ExpectedDate, Reference: fi.Reference}
		if _, err := h.store.FindInbound(ctx, merchantID, fi.Number); err == nil {
			problems = append(problems, inboundimport.Problem{Row: fi.Row, Column: fi.NumberColumn,
				Message: soko.Text{JA: fmt.Sprintf("入荷予定 %s はすでに登録されています", fi.Number), EN: fmt.Sprintf("inbound %s already exists", fi.Number)}})
		} else if soko.ErrorCode(err) != soko.ENOTFOUND {
			return nil, err
		}
		for _, l := range fi.Lines {
			p := product(l)
			if p == nil {
				continue // a problem already
			}
			in.Lines = append(in.Lines, soko.InboundLine{ProductID: p.ID, SKU: p.SKU, Name: p.Name, Quantity: l.Quantity, Lot: l.Lot, Expiry: l.Expiry})
		}
		ins = append(ins, in)
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Row < problems[j].Row })
		return nil, inboundFileRefused(langOf(ctx), problems)
	}
	if err := h.store.CreateInbounds(ctx, ins); err != nil {
		return nil, err
	}
	out := api.InboundImport{Data: make([]api.Inbound, len(ins))}
	for i, in := range ins {
		out.Data[i] = inboundOut(in)
	}
	return api.ImportInbounds201JSONResponse(out), nil
}

// inboundFileRefused is the refusal of a file with problems: one error per
// problem, its field the row and column in lang.
func inboundFileRefused(lang string, problems []inboundimport.Problem) error {
	e := soko.Errorf(soko.EINVALID, "the file has %d problems: nothing was created", len(problems)).
		JA("ファイルに%d件の問題があります。何も登録していません", len(problems))
	for i, p := range problems {
		if i == maxInboundProblems {
			break
		}
		field := soko.Text{JA: fmt.Sprintf("%d行目", p.Row), EN: fmt.Sprintf("row %d", p.Row)}.In(lang)
		if p.Column != "" {
			field += soko.Text{JA: " " + p.Column, EN: ", " + p.Column}.In(lang)
		}
		e.WithField(field, p.Message.In(lang))
	}
	return e
}

// GetInboundSheet answers GET /api/v1/inbounds/{inbound_no}/pdf: the
// inbound sheet (入荷予定表) the shop sends with its goods.
func (h apiHandlers) GetInboundSheet(ctx context.Context, req api.GetInboundSheetRequestObject) (api.GetInboundSheetResponseObject, error) {
	in, err := h.store.FindInbound(ctx, merchantOf(ctx), req.InboundNo)
	if err != nil {
		return nil, err
	}
	m, err := h.store.MerchantByID(ctx, in.MerchantID)
	if err != nil {
		return nil, err
	}
	skus := make([]string, len(in.Lines))
	for i, l := range in.Lines {
		skus[i] = l.SKU
	}
	products, _, err := h.store.InboundProducts(ctx, in.MerchantID, skus, nil)
	if err != nil {
		return nil, err
	}
	jans := map[string]string{}
	for sku, p := range products {
		for _, b := range p.Barcodes {
			if b.PackQuantity <= 1 {
				jans[sku] = b.Code
				break
			}
		}
	}
	warehouse := h.warehouseName
	if warehouse == "" {
		warehouse = "soko 倉庫"
	}
	var buf bytes.Buffer
	d := pdf.InboundSheetData{Inbound: *in, Merchant: m.Name, Warehouse: warehouse, JANs: jans}
	if err := pdf.InboundSheet(&buf, d, pdf.InboundSheetOptions{Now: h.now, DPI: h.printerDPI}); err != nil {
		return nil, err
	}
	return api.GetInboundSheet200ApplicationpdfResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}
