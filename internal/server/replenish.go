package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/csvcell"
	"github.com/soko-wms/soko/internal/pdf"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// replenishStore keeps suppliers, reorder suggestions and purchase orders.
type replenishStore interface {
	PutSupplier(ctx context.Context, s *soko.Supplier) (created bool, err error)
	ListSuppliers(ctx context.Context, merchantID int64) ([]*soko.Supplier, error)
	FindSupplier(ctx context.Context, merchantID int64, code string) (*soko.Supplier, error)
	DeleteSupplier(ctx context.Context, merchantID int64, code string) error
	ReplenishmentSettings(ctx context.Context, merchantID int64) (soko.ReplenishmentSettings, error)
	PutReplenishmentSettings(ctx context.Context, merchantID int64, s soko.ReplenishmentSettings) error
	ReorderSuggestions(ctx context.Context, merchantID int64, windowDays int) ([]soko.ReorderSuggestion, error)
	PlacePurchaseOrder(ctx context.Context, req soko.PurchaseRequest) (*soko.PurchaseOrder, error)
	ApprovePurchaseOrder(ctx context.Context, merchantID int64, number, by string) (*soko.PurchaseOrder, error)
	CancelPurchaseOrder(ctx context.Context, merchantID int64, number string) (*soko.PurchaseOrder, error)
	FindPurchaseOrder(ctx context.Context, merchantID int64, number string) (*soko.PurchaseOrder, error)
	PurchaseOrderByID(ctx context.Context, id int64) (*soko.PurchaseOrder, error)
	ListPurchaseOrders(ctx context.Context, merchantID int64, status soko.PurchaseOrderStatus, page soko.Page) ([]*soko.PurchaseOrder, error)
	StockHistory(ctx context.Context, merchantID int64, sku string, days int) (history, arrivals []soko.ChartPoint, err error)
}

// replenishWords are the console's replenishment (発注) section's words.
var replenishWords = map[string]soko.Text{
	"rp":              {JA: "発注提案", EN: "Replenishment"},
	"rp_help":         {JA: "仕入先ごとの発注提案です。需要は期間中の出荷数と現在の引当数の1日平均、提案数は（リードタイム＋発注間隔）の需要＋安全在庫−（在庫＋入荷予定＋下書き）を仕入先の発注単位と最小発注数に切り上げたものです。グラフは過去60日の在庫（実線）と今後の見込み（破線、入荷予定と提案分の入荷を含む）。承認すると発注書と入荷予定を作ります。", EN: "Suggestions per supplier. Demand is the daily average of units picked in the window plus units allocated now; the suggestion is demand over lead time + review period + safety stock − (stock + inbound + drafts), rounded up to the supplier's multiple and minimum. Charts: stock over the last 60 days (solid) and its projection (dashed, with inbounds and the suggested order arriving). Accepting makes the purchase order and its inbound notice."},
	"rp_window":       {JA: "需要の集計期間（日）", EN: "Demand window (days)"},
	"rp_show":         {JA: "表示", EN: "Show"},
	"rp_supplier":     {JA: "仕入先", EN: "Supplier"},
	"rp_lead":         {JA: "リードタイム {days}日・最小 {min}・単位 {multiple}", EN: "lead time {days} days · minimum {min} · multiple {multiple}"},
	"rp_on_hand":      {JA: "在庫", EN: "On hand"},
	"rp_available":    {JA: "引当可能", EN: "Free"},
	"rp_inbound":      {JA: "入荷予定", EN: "Inbound"},
	"rp_demand":       {JA: "需要/日", EN: "Demand/day"},
	"rp_cover":        {JA: "在庫日数", EN: "Days of cover"},
	"rp_target":       {JA: "必要数", EN: "Target"},
	"rp_quantity":     {JA: "発注数", EN: "Order"},
	"rp_chart":        {JA: "在庫推移", EN: "Stock"},
	"rp_accept":       {JA: "承認して発注", EN: "Accept and order"},
	"rp_accepted":     {JA: "発注書 {po} を作成しました（入荷予定 {po}）", EN: "Purchase order {po} made (inbound {po})"},
	"rp_nothing":      {JA: "発注が必要な商品はありません", EN: "Nothing to order"},
	"rp_no_suppliers": {JA: "仕入先が登録された商品はありません（仕入先はAPIで登録します）", EN: "No product has a supplier yet (merchants register suppliers over the API)"},
	"rp_orders":       {JA: "発注書", EN: "Purchase orders"},
	"rp_po":           {JA: "発注番号", EN: "PO"},
	"rp_status":       {JA: "状態", EN: "Status"},
	"rp_units":        {JA: "数量", EN: "Units"},
	"rp_expected":     {JA: "納品予定", EN: "Due"},
	"rp_draft":        {JA: "承認待ち（自動発注）", EN: "draft (auto order)"},
	"rp_ordered":      {JA: "発注済み", EN: "ordered"},
	"rp_cancelled":    {JA: "取消", EN: "cancelled"},
	"rp_approve":      {JA: "承認", EN: "Approve"},
	"rp_approved":     {JA: "発注書 {po} を承認しました", EN: "Purchase order {po} approved"},
	"rp_no_orders":    {JA: "発注書はまだありません", EN: "No purchase orders yet"},
	"rp_auto_on":      {JA: "自動発注：毎朝、提案を承認待ちの発注書にします", EN: "Auto order: each morning the suggestions become drafts to approve"},
	"rp_no_demand":    {JA: "需要なし", EN: "no demand"},
}

func supplierOut(s *soko.Supplier) api.Supplier {
	return api.Supplier{SupplierCode: s.Code, Name: s.Name, LeadTimeDays: s.LeadTimeDays, MinOrderQty: s.MinOrderQty,
		OrderMultiple: s.OrderMultiple, Contact: s.Contact, Skus: orEmpty(s.SKUs), CreatedAt: apiTime(s.CreatedAt), UpdatedAt: apiTime(s.UpdatedAt)}
}

func suggestionOut(s soko.ReorderSuggestion) api.ReorderSuggestion {
	out := api.ReorderSuggestion{Sku: s.SKU, Name: s.Name, OnHand: s.OnHand, Available: s.Available, Inbound: s.Inbound, Drafted: s.Drafted,
		ReorderPoint: s.ReorderPoint, DailyDemand: float32(math.Round(s.DailyDemand*100) / 100), SafetyStock: s.SafetyStock,
		Target: s.Target, Quantity: s.Quantity}
	if s.Supplier != nil {
		out.SupplierCode = s.Supplier.Code
	}
	if s.DaysOfCover >= 0 {
		out.DaysOfCover = ptr(float32(math.Round(s.DaysOfCover*10) / 10))
	}
	return out
}

func purchaseOrderOut(po *soko.PurchaseOrder) api.PurchaseOrder {
	out := api.PurchaseOrder{Id: po.ID, PoNo: po.Number, SupplierCode: po.Supplier.Code, SupplierName: po.Supplier.Name,
		Status: api.PurchaseOrderStatus(po.Status), ExpectedDate: openapi_types.Date{Time: po.ExpectedDate}, Auto: po.Auto,
		OrderedBy: po.OrderedBy, CreatedAt: apiTime(po.CreatedAt), Lines: []api.PurchaseOrderLine{}}
	if po.InboundNumber != "" {
		out.InboundNo, out.InboundStatus = ptr(po.InboundNumber), ptr(api.InboundStatus(po.InboundStatus))
	}
	if !po.OrderedAt.IsZero() {
		out.OrderedAt = ptr(apiTime(po.OrderedAt))
	}
	for _, l := range po.Lines {
		out.Lines = append(out.Lines, api.PurchaseOrderLine{Sku: l.SKU, Name: l.Name, Quantity: l.Quantity, Received: l.Received})
	}
	return out
}

func purchaseLinesIn(lines *[]api.PurchaseLineInput) []soko.PurchaseOrderLine {
	if lines == nil {
		return nil
	}
	out := make([]soko.PurchaseOrderLine, len(*lines))
	for i, l := range *lines {
		out[i] = soko.PurchaseOrderLine{SKU: l.Sku, Quantity: l.Quantity}
	}
	return out
}

// ListSuppliers answers GET /api/v1/suppliers.
func (h apiHandlers) ListSuppliers(ctx context.Context, _ api.ListSuppliersRequestObject) (api.ListSuppliersResponseObject, error) {
	ss, err := h.store.ListSuppliers(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	out := api.SupplierList{Data: make([]api.Supplier, len(ss))}
	for i, s := range ss {
		out.Data[i] = supplierOut(s)
	}
	return api.ListSuppliers200JSONResponse(out), nil
}

// GetSupplier answers GET /api/v1/suppliers/{supplier_code}.
func (h apiHandlers) GetSupplier(ctx context.Context, req api.GetSupplierRequestObject) (api.GetSupplierResponseObject, error) {
	s, err := h.store.FindSupplier(ctx, merchantOf(ctx), req.SupplierCode)
	if err != nil {
		return nil, err
	}
	return api.GetSupplier200JSONResponse(supplierOut(s)), nil
}

// PutSupplier answers PUT /api/v1/suppliers/{supplier_code}.
func (h apiHandlers) PutSupplier(ctx context.Context, req api.PutSupplierRequestObject) (api.PutSupplierResponseObject, error) {
	b := req.Body
	s := &soko.Supplier{MerchantID: merchantOf(ctx), Code: req.SupplierCode, Name: b.Name, LeadTimeDays: b.LeadTimeDays,
		MinOrderQty: 1, OrderMultiple: 1, Contact: deref(b.Contact)}
	if b.MinOrderQty != nil {
		s.MinOrderQty = *b.MinOrderQty
	}
	if b.OrderMultiple != nil {
		s.OrderMultiple = *b.OrderMultiple
	}
	if b.Skus != nil {
		s.SKUs = append([]string{}, *b.Skus...)
	}
	created, err := h.store.PutSupplier(ctx, s)
	if err != nil {
		return nil, err
	}
	saved, err := h.store.FindSupplier(ctx, s.MerchantID, s.Code)
	if err != nil {
		return nil, err
	}
	if created {
		return api.PutSupplier201JSONResponse(supplierOut(saved)), nil
	}
	return api.PutSupplier200JSONResponse(supplierOut(saved)), nil
}

// DeleteSupplier answers DELETE /api/v1/suppliers/{supplier_code}.
func (h apiHandlers) DeleteSupplier(ctx context.Context, req api.DeleteSupplierRequestObject) (api.DeleteSupplierResponseObject, error) {
	if err := h.store.DeleteSupplier(ctx, merchantOf(ctx), req.SupplierCode); err != nil {
		return nil, err
	}
	return api.DeleteSupplier204Response{}, nil
}

func settingsOut(s soko.ReplenishmentSettings) api.ReplenishmentSettings {
	return api.ReplenishmentSettings{ReviewDays: s.ReviewDays, SafetyDays: s.SafetyDays, WindowDays: s.WindowDays, AutoOrder: s.AutoOrder}
}

// GetReplenishmentSettings answers GET /api/v1/replenishment-settings.
func (h apiHandlers) GetReplenishmentSettings(ctx context.Context, _ api.GetReplenishmentSettingsRequestObject) (api.GetReplenishmentSettingsResponseObject, error) {
	s, err := h.store.ReplenishmentSettings(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	return api.GetReplenishmentSettings200JSONResponse(settingsOut(s)), nil
}

// PutReplenishmentSettings answers PUT /api/v1/replenishment-settings.
func (h apiHandlers) PutReplenishmentSettings(ctx context.Context, req api.PutReplenishmentSettingsRequestObject) (api.PutReplenishmentSettingsResponseObject, error) {
	b := req.Body
	s := soko.ReplenishmentSettings{ReviewDays: b.ReviewDays, SafetyDays: b.SafetyDays, WindowDays: b.WindowDays, AutoOrder: b.AutoOrder}
	if err := h.store.PutReplenishmentSettings(ctx, merchantOf(ctx), s); err != nil {
		return nil, err
	}
	return api.PutReplenishmentSettings200JSONResponse(settingsOut(s)), nil
}

// windowOf is the demand window asked for, or the merchant's setting.
func (h apiHandlers) windowOf(ctx context.Context, merchantID int64, asked *int) (int, error) {
	if asked != nil {
		return *asked, soko.ValidateDemandWindow(*asked)
	}
	s, err := h.store.ReplenishmentSettings(ctx, merchantID)
	return s.WindowDays, err
}

// ListReorderSuggestions answers GET /api/v1/reorder-suggestions.
func (h apiHandlers) ListReorderSuggestions(ctx context.Context, req api.ListReorderSuggestionsRequestObject) (api.ListReorderSuggestionsResponseObject, error) {
	window, err := h.windowOf(ctx, merchantOf(ctx), req.Params.WindowDays)
	if err != nil {
		return nil, err
	}
	ss, err := h.store.ReorderSuggestions(ctx, merchantOf(ctx), window)
	if err != nil {
		return nil, err
	}
	out := api.ReorderSuggestionList{WindowDays: window, Data: make([]api.ReorderSuggestion, len(ss))}
	for i, s := range ss {
		out.Data[i] = suggestionOut(s)
	}
	return api.ListReorderSuggestions200JSONResponse(out), nil
}

// AcceptReorderSuggestions answers POST /api/v1/reorder-suggestions/accept.
func (h apiHandlers) AcceptReorderSuggestions(ctx context.Context, req api.AcceptReorderSuggestionsRequestObject) (api.AcceptReorderSuggestionsResponseObject, error) {
	b := req.Body
	r := soko.PurchaseRequest{MerchantID: merchantOf(ctx), SupplierCode: b.SupplierCode, Lines: purchaseLinesIn(b.Lines), OrderedBy: "API", WindowDays: deref(b.WindowDays)}
	if b.ExpectedDate != nil {
		r.ExpectedDate = b.ExpectedDate.Time
	}
	po, err := h.store.PlacePurchaseOrder(ctx, r)
	if err != nil {
		return nil, err
	}
	return api.AcceptReorderSuggestions201JSONResponse(purchaseOrderOut(po)), nil
}

// ListPurchaseOrders answers GET /api/v1/purchase-orders.
func (h apiHandlers) ListPurchaseOrders(ctx context.Context, req api.ListPurchaseOrdersRequestObject) (api.ListPurchaseOrdersResponseObject, error) {
	page, err := pageOf(req.Params.Limit, req.Params.Cursor, nil)
	if err != nil {
		return nil, err
	}
	pos, err := h.store.ListPurchaseOrders(ctx, merchantOf(ctx), soko.PurchaseOrderStatus(deref(req.Params.Status)), page)
	if err != nil {
		return nil, err
	}
	pos, next := trimPage(pos, page, func(p *soko.PurchaseOrder) int64 { return p.ID })
	out := api.PurchaseOrderList{Data: make([]api.PurchaseOrder, len(pos)), NextCursor: next}
	for i, po := range pos {
		out.Data[i] = purchaseOrderOut(po)
	}
	return api.ListPurchaseOrders200JSONResponse(out), nil
}

// GetPurchaseOrder answers GET /api/v1/purchase-orders/{po_no}.
func (h apiHandlers) GetPurchaseOrder(ctx context.Context, req api.GetPurchaseOrderRequestObject) (api.GetPurchaseOrderResponseObject, error) {
	po, err := h.store.FindPurchaseOrder(ctx, merchantOf(ctx), req.PoNo)
	if err != nil {
		return nil, err
	}
	return api.GetPurchaseOrder200JSONResponse(purchaseOrderOut(po)), nil
}

// ApprovePurchaseOrder answers POST /api/v1/purchase-orders/{po_no}/approve.
func (h apiHandlers) ApprovePurchaseOrder(ctx context.Context, req api.ApprovePurchaseOrderRequestObject) (api.ApprovePurchaseOrderResponseObject, error) {
	po, err := h.store.ApprovePurchaseOrder(ctx, merchantOf(ctx), req.PoNo, "API")
	if err != nil {
		return nil, err
	}
	return api.ApprovePurchaseOrder200JSONResponse(purchaseOrderOut(po)), nil
}

// CancelPurchaseOrder answers POST /api/v1/purchase-orders/{po_no}/cancel.
func (h apiHandlers) CancelPurchaseOrder(ctx context.Context, req api.CancelPurchaseOrderRequestObject) (api.CancelPurchaseOrderResponseObject, error) {
	po, err := h.store.CancelPurchaseOrder(ctx, merchantOf(ctx), req.PoNo)
	if err != nil {
		return nil, err
	}
	return api.CancelPurchaseOrder200JSONResponse(purchaseOrderOut(po)), nil
}

// purchaseOrderPDF prints a purchase order for its merchant.
func (h apiHandlers) purchaseOrderPDF(ctx context.Context, po *soko.PurchaseOrder) (*bytes.Buffer, error) {
	m, err := h.store.MerchantByID(ctx, po.MerchantID)
	if err != nil {
		return nil, err
	}
	warehouse := h.warehouseName
	if warehouse == "" {
		warehouse = "soko 倉庫"
	}
	var buf bytes.Buffer
	err = pdf.PurchaseOrder(&buf, pdf.PurchaseOrderData{Order: *po, Buyer: m.Name, Warehouse: warehouse}, pdf.PurchaseOrderOptions{Now: h.now})
	return &buf, err
}

// purchaseOrderCSV is a purchase order as CSV in UTF-8 with a BOM, which
// spreadsheets in Japan open as UTF-8; every cell passes csvcell.Safe.
func purchaseOrderCSV(po *soko.PurchaseOrder) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	rows := [][]string{{"発注番号", "仕入先コード", "仕入先名", "納品希望日", "入荷予定番号", "行", "商品コード", "商品名", "数量"}}
	for i, l := range po.Lines {
		rows = append(rows, []string{po.Number, po.Supplier.Code, po.Supplier.Name, po.ExpectedDate.Format("2006-01-02"), po.InboundNumber,
			strconv.Itoa(i + 1), l.SKU, l.Name, strconv.Itoa(l.Quantity)})
	}
	for _, r := range rows {
		for i := range r {
			r[i] = csvcell.Safe(r[i])
		}
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return &buf, w.Error()
}

// GetPurchaseOrderPDF answers GET /api/v1/purchase-orders/{po_no}/pdf.
func (h apiHandlers) GetPurchaseOrderPDF(ctx context.Context, req api.GetPurchaseOrderPDFRequestObject) (api.GetPurchaseOrderPDFResponseObject, error) {
	po, err := h.store.FindPurchaseOrder(ctx, merchantOf(ctx), req.PoNo)
	if err != nil {
		return nil, err
	}
	buf, err := h.purchaseOrderPDF(ctx, po)
	if err != nil {
		return nil, err
	}
	return api.GetPurchaseOrderPDF200ApplicationpdfResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
}

// GetPurchaseOrderCSV answers GET /api/v1/purchase-orders/{po_no}/csv.
func (h apiHandlers) GetPurchaseOrderCSV(ctx context.Context, req api.GetPurchaseOrderCSVRequestObject) (api.GetPurchaseOrderCSVResponseObject, error) {
	po, err := h.store.FindPurchaseOrder(ctx, merchantOf(ctx), req.PoNo)
	if err != nil {
		return nil, err
	}
	buf, err := purchaseOrderCSV(po)
	if err != nil {
		return nil, err
	}
	return api.GetPurchaseOrderCSV200TextcsvResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
}

// GetReplenishment answers GET /ops/replenishment: a merchant's suggestions
// grouped per supplier, its drafts waiting for approval and latest orders.
func (h apiHandlers) GetReplenishment(ctx context.Context, req api.GetReplenishmentRequestObject) (api.GetReplenishmentResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	m := req.Params.MerchantId
	if _, err := h.store.MerchantByID(ctx, m); err != nil {
		return nil, err
	}
	settings, err := h.store.ReplenishmentSettings(ctx, m)
	if err != nil {
		return nil, err
	}
	window, err := h.windowOf(ctx, m, req.Params.WindowDays)
	if err != nil {
		return nil, err
	}
	ss, err := h.store.ReorderSuggestions(ctx, m, window)
	if err != nil {
		return nil, err
	}
	out := api.OpsReplenishment{WindowDays: window, Settings: settingsOut(settings), Suppliers: []api.SupplierSuggestions{}, PurchaseOrders: []api.PurchaseOrder{}}
	groups := map[string]int{}
	for _, s := range ss {
		i, ok := groups[s.Supplier.Code]
		if !ok {
			i = len(out.Suppliers)
			groups[s.Supplier.Code] = i
			out.Suppliers = append(out.Suppliers, api.SupplierSuggestions{Supplier: supplierOut(s.Supplier), Suggestions: []api.ReorderSuggestion{}})
		}
		out.Suppliers[i].Suggestions = append(out.Suppliers[i].Suggestions, suggestionOut(s))
	}
	drafts, err := h.store.ListPurchaseOrders(ctx, m, soko.PurchaseDraft, soko.Page{Limit: 50})
	if err != nil {
		return nil, err
	}
	recent, err := h.store.ListPurchaseOrders(ctx, m, soko.PurchaseOrdered, soko.Page{Limit: 20})
	if err != nil {
		return nil, err
	}
	drafts, _ = trimPage(drafts, soko.Page{Limit: 50}, func(p *soko.PurchaseOrder) int64 { return p.ID })
	recent, _ = trimPage(recent, soko.Page{Limit: 20}, func(p *soko.PurchaseOrder) int64 { return p.ID })
	for _, po := range append(drafts, recent...) {
		out.PurchaseOrders = append(out.PurchaseOrders, purchaseOrderOut(po))
	}
	return api.GetReplenishment200JSONResponse(out), nil
}

// AcceptReplenishment answers POST /ops/replenishment/accept.
func (h apiHandlers) AcceptReplenishment(ctx context.Context, req api.AcceptReplenishmentRequestObject) (api.AcceptReplenishmentResponseObject, error) {
	sess, err := allow(ctx, soko.MenuConsole)
	if err != nil {
		return nil, err
	}
	b := req.Body
	if _, err := h.store.MerchantByID(ctx, b.MerchantId); err != nil {
		return nil, err
	}
	po, err := h.store.PlacePurchaseOrder(ctx, soko.PurchaseRequest{MerchantID: b.MerchantId, SupplierCode: b.SupplierCode,
		Lines: purchaseLinesIn(b.Lines), OrderedBy: sess.Staff.Name, WindowDays: deref(b.WindowDays)})
	if err != nil {
		return nil, err
	}
	return api.AcceptReplenishment201JSONResponse(purchaseOrderOut(po)), nil
}

// ApproveOpsPurchaseOrder answers POST /ops/purchase-orders/{purchase_order_id}/approve.
func (h apiHandlers) ApproveOpsPurchaseOrder(ctx context.Context, req api.ApproveOpsPurchaseOrderRequestObject) (api.ApproveOpsPurchaseOrderResponseObject, error) {
	sess, err := allow(ctx, soko.MenuConsole)
	if err != nil {
		return nil, err
	}
	po, err := h.store.PurchaseOrderByID(ctx, req.PurchaseOrderId)
	if err != nil {
		return nil, err
	}
	if po, err = h.store.ApprovePurchaseOrder(ctx, po.MerchantID, po.Number, sess.Staff.Name); err != nil {
		return nil, err
	}
	return api.ApproveOpsPurchaseOrder200JSONResponse(purchaseOrderOut(po)), nil
}

// PrintPurchaseOrder answers GET /ops/purchase-orders/{purchase_order_id}/purchase-order.pdf.
func (h apiHandlers) PrintPurchaseOrder(ctx context.Context, req api.PrintPurchaseOrderRequestObject) (api.PrintPurchaseOrderResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	po, err := h.store.PurchaseOrderByID(ctx, req.PurchaseOrderId)
	if err != nil {
		return nil, err
	}
	buf, err := h.purchaseOrderPDF(ctx, po)
	if err != nil {
		return nil, err
	}
	return api.PrintPurchaseOrder200ApplicationpdfResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
}

// ExportPurchaseOrderCSV answers GET /ops/purchase-orders/{purchase_order_id}/purchase-order.csv.
func (h apiHandlers) ExportPurchaseOrderCSV(ctx context.Context, req api.ExportPurchaseOrderCSVRequestObject) (api.ExportPurchaseOrderCSVResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	po, err := h.store.PurchaseOrderByID(ctx, req.PurchaseOrderId)
	if err != nil {
		return nil, err
	}
	buf, err := purchaseOrderCSV(po)
	if err != nil {
		return nil, err
	}
	return api.ExportPurchaseOrderCSV200TextcsvResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
}

// historyDays is how far back the replenishment charts look.
const historyDays = 60

// GetReplenishmentChart answers GET /ops/replenishment/chart: a product's
// stock on hand over the last 60 days from the ledger, and its projection
// over the supplier's lead time and the review period — demand taken day
// by day, inbounds and the suggested order arriving — drawn on the server
// as SVG, so the console needs no chart library.
func (h apiHandlers) GetReplenishmentChart(ctx context.Context, req api.GetReplenishmentChartRequestObject) (api.GetReplenishmentChartResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	p := req.Params
	history, arrivals, err := h.store.StockHistory(ctx, p.MerchantId, p.Sku, historyDays)
	if err != nil {
		return nil, err
	}
	window, err := h.windowOf(ctx, p.MerchantId, p.WindowDays)
	if err != nil {
		return nil, err
	}
	settings, err := h.store.ReplenishmentSettings(ctx, p.MerchantId)
	if err != nil {
		return nil, err
	}
	ss, err := h.store.ReorderSuggestions(ctx, p.MerchantId, window)
	if err != nil {
		return nil, err
	}
	c := stockChart{Title: soko.Text{JA: p.Sku + " の在庫推移（過去60日と見込み）", EN: p.Sku + ": stock over 60 days and projected"}.In(langOf(ctx)), History: history}
	today := h.now()
	horizon, available, demand := 14, history[len(history)-1].Units, 0.0
	for _, s := range ss {
		if s.SKU != p.Sku {
			continue
		}
		horizon = min(max(s.Supplier.LeadTimeDays+settings.ReviewDays, 14), 90)
		available, demand, c.ReorderPoint = s.Available, s.DailyDemand, s.ReorderPoint
		if s.Quantity > 0 {
			arrivals = append(arrivals, soko.ChartPoint{Day: soko.WorkDay(today).AddDate(0, 0, s.Supplier.LeadTimeDays), Units: s.Quantity})
		}
	}
	c.Projection = soko.ProjectStock(today, available, demand, arrivals, horizon)
	var buf bytes.Buffer
	if err := c.write(&buf, soko.Text{JA: "今日", EN: "today"}.In(langOf(ctx))); err != nil {
		return nil, err
	}
	return api.GetReplenishmentChart200ImagesvgXmlResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}

// stockChart is a product's daily stock: history as a solid line, the
// projection dashed, the reorder point as a grey rule.
type stockChart struct {
	Title        string
	History      []soko.ChartPoint
	Projection   []soko.ChartPoint
	ReorderPoint int
}

var stockChartSVG = template.Must(template.New("stock").Parse(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 120" width="360" height="120" role="img" aria-label="{{.Title}}">
<title>{{.Title}}</title>
<line x1="30" y1="100" x2="350" y2="100" stroke="#888"/>
<text x="26" y="14" font-size="10" text-anchor="end">{{.Max}}</text>
<text x="26" y="100" font-size="10" text-anchor="end">0</text>
{{if .Reorder}}<line class="reorder" x1="30" y1="{{.ReorderY}}" x2="350" y2="{{.ReorderY}}" stroke="#999" stroke-dasharray="2 2"/>{{end}}
<line x1="{{.TodayX}}" y1="8" x2="{{.TodayX}}" y2="100" stroke="#ccc"/>
<text x="{{.TodayX}}" y="114" font-size="10" text-anchor="middle">{{.Today}}</text>
<text x="30" y="114" font-size="10">-{{.Days}}</text>
<text x="350" y="114" font-size="10" text-anchor="end">+{{.Ahead}}</text>
<polyline class="history" fill="none" stroke="#0040a0" stroke-width="1.5" points="{{.HistoryPoints}}"/>
<polyline class="projection" fill="none" stroke="#d06000" stroke-width="1.5" stroke-dasharray="4 3" points="{{.ProjectionPoints}}"/>
</svg>
`))

func (c stockChart) write(buf *bytes.Buffer, today string) error {
	top := max(c.ReorderPoint, 1)
	for _, p := range append(append([]soko.ChartPoint{}, c.History...), c.Projection...) {
		top = max(top, p.Units)
	}
	const left, right, floor, height = 30.0, 350.0, 100.0, 90.0
	days := len(c.History) - 1 + len(c.Projection) - 1
	step := (right - left) / float64(max(days, 1))
	y := func(units int) float64 { return floor - height*float64(units)/float64(top) }
	points := func(ps []soko.ChartPoint, from int) string {
		var b strings.Builder
		for i, p := range ps {
			fmt.Fprintf(&b, "%.1f,%.1f ", left+step*float64(from+i), y(p.Units))
		}
		return strings.TrimSpace(b.String())
	}
	todayAt := len(c.History) - 1
	return stockChartSVG.Execute(buf, map[string]any{
		"Title": c.Title, "Max": top, "Reorder": c.ReorderPoint > 0, "ReorderY": y(c.ReorderPoint),
		"TodayX": left + step*float64(todayAt), "Today": today, "Days": len(c.History) - 1, "Ahead": len(c.Projection) - 1,
		"HistoryPoints": points(c.History, 0), "ProjectionPoints": points(c.Projection, todayAt),
	})
}
