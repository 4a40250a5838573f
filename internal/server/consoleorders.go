package server

import (
	"cmp"
	"context"
	"strconv"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// consoleOrderWords are the words of the console's orders and order page.
var consoleOrderWords = map[string][2]string{
	"ord_orders":              {"注文", "Orders"},
	"ord_orders_help":         {"注文番号（前方一致）・荷主・お客様名（部分一致）・送り状番号・状態・受注日で探します。新しい注文から表示します。", "Find orders by number (its beginning), merchant, customer (any part of the name), tracking number, status and the day they came in. Newest first."},
	"ord_number":              {"注文番号", "Order number"},
	"ord_merchant":            {"荷主", "Merchant"},
	"ord_customer":            {"お客様名", "Customer"},
	"ord_tracking":            {"送り状番号", "Tracking number"},
	"ord_status":              {"状態", "Status"},
	"ord_from":                {"受注日（から）", "Created from"},
	"ord_to":                  {"受注日（まで）", "Created until"},
	"ord_all":                 {"すべて", "All"},
	"ord_search":              {"検索", "Search"},
	"ord_clear":               {"条件をクリア", "Clear"},
	"ord_more":                {"さらに表示", "Show more"},
	"ord_none":                {"該当する注文はありません", "No orders found"},
	"ord_shown":               {"{n}件を表示しています", "{n} orders shown"},
	"ord_prefecture":          {"都道府県", "Prefecture"},
	"ord_shipping":            {"配送", "Shipping"},
	"ord_units":               {"点数", "Units"},
	"ord_created":             {"受注日時", "Created"},
	"ord_bad_range":           {"受注日の範囲が逆です（から ≦ まで）", "The dates are the wrong way round"},
	"ord_st_received":         {"受注", "received"},
	"ord_st_backordered":      {"入荷待ち", "backordered"},
	"ord_st_allocated":        {"引当済", "allocated"},
	"ord_st_picking":          {"ピッキング中", "picking"},
	"ord_st_short":            {"欠品", "short"},
	"ord_st_picked":           {"ピッキング済", "picked"},
	"ord_st_inspected":        {"検品済", "inspected"},
	"ord_st_packed":           {"梱包済", "packed"},
	"ord_st_labeled":          {"送り状発行済", "labeled"},
	"ord_st_shipped":          {"出荷済", "shipped"},
	"ord_st_on_hold":          {"保留", "on hold"},
	"ord_st_cancel_requested": {"キャンセル依頼", "cancel requested"},
	"ord_st_cancelled":        {"キャンセル", "cancelled"},

	"ord_title":                {"注文 {number}", "Order {number}"},
	"ord_back":                 {"注文一覧へ", "Back to the orders"},
	"ord_held_from":            {"（{status}で保留）", " (held while {status})"},
	"ord_hold":                 {"保留の理由", "Held"},
	"ord_hold_payment_pending": {"入金待ち（荷主がAPIで解除）", "waiting for payment (the merchant releases it)"},
	"ord_hold_merchant":        {"荷主による保留（荷主がAPIで解除）", "held by the merchant (the merchant releases it)"},
	"ord_hold_warehouse":       {"倉庫による保留", "held by the warehouse"},
	"ord_delivery":             {"お届け希望", "Delivery"},
	"ord_none_asked":           {"指定なし", "none"},
	"ord_cod":                  {"代金引換", "Cash on delivery"},
	"ord_no":                   {"なし", "none"},
	"ord_yen":                  {"{n}円", "¥{n}"},
	"ord_gift":                 {"ギフト", "Gift"},
	"ord_gift_wrap":            {"ギフト包装", "wrapped"},
	"ord_gift_hide":            {"金額非表示", "prices hidden"},
	"ord_wrapping_paper":       {"包装紙", "paper"},
	"ord_wrapping_bag":         {"ラッピング袋", "bag"},
	"ord_wrapping_box":         {"化粧箱", "gift box"},
	"ord_noshi_inner":          {"内のし", "noshi under the wrapping:"},
	"ord_noshi_outer":          {"外のし", "noshi over the wrapping:"},
	"ord_gift_message":         {"メッセージ：{message}", "message: {message}"},
	"ord_priority":             {"優先度", "Priority"},
	"ord_note":                 {"備考", "Note"},
	"ord_ordered":              {"注文日時", "Ordered"},
	"ord_recipient":            {"お届け先", "Ship to"},
	"ord_lines":                {"明細", "Lines"},
	"ord_sku":                  {"SKU", "SKU"},
	"ord_name":                 {"商品名", "Product"},
	"ord_qty":                  {"数量", "Qty"},
	"ord_allocated":            {"引当", "Allocated"},
	"ord_picked":               {"ピッキング済", "Picked"},
	"ord_inspected":            {"検品済", "Inspected"},
	"ord_allocations":          {"引当在庫", "Allocated stock"},
	"ord_location":             {"ロケーション", "Location"},
	"ord_lot":                  {"ロット", "Lot"},
	"ord_expiry":               {"賞味期限", "Best before"},
	"ord_no_allocations":       {"引き当てた在庫はありません", "No stock allocated"},
	"ord_parcels":              {"荷物", "Parcels"},
	"ord_parcel":               {"個口", "Parcel"},
	"ord_box":                  {"箱", "Box"},
	"ord_weight":               {"重量", "Weight"},
	"ord_grams":                {"{n} g", "{n} g"},
	"ord_handed_over":          {"荷渡し", "Handed over"},
	"ord_manifest":             {"集荷", "Pickup"},
	"ord_no_parcels":           {"まだ梱包されていません", "Not packed yet"},
	"ord_documents":            {"帳票", "Documents"},
	"ord_reprint":              {"納品書・送り状を印刷（PDF）", "Print the slip and labels (PDF)"},
	"ord_slip_a5":              {"納品書 A5（PDF）", "Packing slip, A5 (PDF)"},
	"ord_prints":               {"印刷履歴", "Print log"},
	"ord_no_prints":            {"まだ印刷されていません", "Never printed"},
	"ord_doc_slip":             {"納品書", "packing slip"},
	"ord_doc_label":            {"送り状", "label"},
	"ord_doc_pick_list":        {"ピッキングリスト", "pick list"},
	"ord_doc_handover":         {"集荷明細", "handover list"},
	"ord_reprinted":            {"再印刷", "reprint"},
	"ord_first_print":          {"初回", "first"},
	"ord_timeline":             {"履歴（日本時間）", "History (Japan time)"},
	"ord_time":                 {"日時", "Time"},
	"ord_what":                 {"内容", "What"},
	"ord_who":                  {"担当", "Who"},
	"ord_device":               {"端末", "Device"},
	"ord_detail":               {"詳細", "Detail"},
	"ord_system":               {"システム", "system"},
	"ord_scan":                 {"スキャン：{step}", "Scan: {step}"},
	"ord_scan_ok":              {"OK", "OK"},
	"ord_scan_refused":         {"拒否", "refused"},

	"ord_ev_create":           {"受注", "received"},
	"ord_ev_allocate":         {"引当", "allocated"},
	"ord_ev_backorder":        {"入荷待ち", "backordered"},
	"ord_ev_release_wave":     {"ウェーブ発行", "wave released"},
	"ord_ev_pick":             {"ピッキング完了", "picked"},
	"ord_ev_short_pick":       {"欠品", "short"},
	"ord_ev_reallocate":       {"再引当", "re-allocated"},
	"ord_ev_resolve_short":    {"欠品解決", "short resolved"},
	"ord_ev_split":            {"分割出荷", "split"},
	"ord_ev_inspect":          {"検品完了", "inspected"},
	"ord_ev_reset_inspection": {"検品やり直し", "inspection reset"},
	"ord_ev_pack":             {"梱包", "packed"},
	"ord_ev_label":            {"送り状発行", "labeled"},
	"ord_ev_ship":             {"出荷", "shipped"},
	"ord_ev_cancel":           {"キャンセル", "cancelled"},
	"ord_ev_request_cancel":   {"キャンセル依頼", "cancel requested"},
	"ord_ev_put_back":         {"戻し入れ", "put back"},
	"ord_ev_hold":             {"保留", "held"},
	"ord_ev_release_hold":     {"保留解除", "released from hold"},
	"ord_ev_email_skipped":    {"発送メールなし", "no shipment email"},
	"ord_step_receive":        {"入荷", "receive"},
	"ord_step_put_away":       {"棚入れ", "put away"},
	"ord_step_count":          {"棚卸", "count"},
	"ord_step_pick":           {"ピッキング", "pick"},
	"ord_step_short_pick":     {"欠品報告", "short pick"},
	"ord_step_inspect":        {"検品", "inspect"},
	"ord_step_handover":       {"荷渡し", "handover"},
	"ord_step_return":         {"返品受付", "return"},

	"ord_actions":            {"操作", "Actions"},
	"ord_actions_help":       {"今の状態でできる操作だけが表示されます。メモは履歴に残ります。", "Only what the order's status allows is offered. The note is kept in the history."},
	"ord_no_actions":         {"この状態でできる操作はありません", "Nothing can be done in this status"},
	"ord_note_label":         {"メモ（任意）", "Note (optional)"},
	"ord_do_hold":            {"保留にする", "Hold"},
	"ord_do_release_hold":    {"保留を解除", "Release the hold"},
	"ord_do_reallocate":      {"再引当", "Re-allocate"},
	"ord_do_resolve_short":   {"欠品解決", "Resolve the short"},
	"ord_do_split":           {"分割出荷", "Split"},
	"ord_do_cancel":          {"キャンセル", "Cancel"},
	"ord_do_put_back":        {"戻し入れ", "Put back"},
	"ord_why_reallocate":     {"欠品分・入荷待ちの分を、棚卸待ちでない棚から今すぐ引き当てます", "Allocate what is missing now, from shelves not waiting for a count"},
	"ord_why_resolve_short":  {"欠品した棚の棚卸のあと、見つかった在庫で引き当て直します", "After the short shelf was counted, allocate again from what was found"},
	"ord_why_split":          {"ピッキング済みの分を出荷し、欠品分は新しい注文（入荷待ち）にします", "Ship what was picked; the missing units become a new, backordered order"},
	"ord_why_put_back":       {"ピッキング済みの商品を元の棚に戻し、キャンセルを完了します", "Return the picked units to their shelves and finish the cancellation"},
	"ord_confirm":            {"もう一度押すと「{action}」を実行します", "Press again to {action}"},
	"ord_done_hold":          {"注文 {number} を保留にしました", "Order {number} is on hold"},
	"ord_done_release_hold":  {"保留を解除しました（{status}）", "Released from hold ({status})"},
	"ord_done_reallocate":    {"再引当しました（{status}）。次のウェーブでピッキングします", "Re-allocated ({status}); the next wave picks it"},
	"ord_done_resolve_short": {"欠品を解決しました（{status}）。次のウェーブでピッキングします", "Short resolved ({status}); the next wave picks it"},
	"ord_done_split":         {"分割しました。欠品分は注文 {new}（入荷待ち）で出荷します", "Split: the missing units ship as order {new} (backordered)"},
	"ord_done_cancel":        {"キャンセルしました（{status}）", "Cancelled ({status})"},
	"ord_done_put_back":      {"戻し入れしました。注文はキャンセル済みです", "Put back; the order is cancelled"},
}

// consoleOrderStore is what this section needs of the store.
type consoleOrderStore interface {
	SearchOrders(ctx context.Context, f soko.OrderSearch) ([]soko.OrderSummary, error)
	OrderView(ctx context.Context, id int64) (*soko.OrderView, error)
	SuperviseOrder(ctx context.Context, c *soko.OrderCommand, rules soko.AllocationRules) (*soko.OrderCommandResult, error)
}

// SearchConsoleOrders answers GET /ops/orders: every merchant's orders,
// newest first. Days are Japan's days; the cursor, as everywhere, names the
// last order of the page, and the next page holds the older ones.
func (h apiHandlers) SearchConsoleOrders(ctx context.Context, req api.SearchConsoleOrdersRequestObject) (api.SearchConsoleOrdersResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	p := req.Params
	page, err := pageOf(p.Limit, p.Cursor, nil)
	if err != nil {
		return nil, err
	}
	f := soko.OrderSearch{
		Number: deref(p.Number), MerchantID: deref(p.MerchantId), Customer: deref(p.Customer), Tracking: deref(p.Tracking),
		Before: page.After, Limit: page.Limit,
	}
	if p.Status != nil {
		f.Status = soko.OrderStatus(*p.Status)
	}
	if p.CreatedFrom != nil {
		f.CreatedFrom = japaneseMidnight(p.CreatedFrom.Time)
	}
	if p.CreatedTo != nil {
		f.CreatedTo = japaneseMidnight(p.CreatedTo.Time).AddDate(0, 0, 1)
	}
	if !f.CreatedFrom.IsZero() && !f.CreatedTo.IsZero() && !f.CreatedFrom.Before(f.CreatedTo) {
		return nil, soko.Errorf(soko.EINVALID, "created_from is after created_to").
			JA("受注日の範囲が逆です（から ≦ まで）").WithField("created_to", "before_from")
	}
	os, err := h.store.SearchOrders(ctx, f)
	if err != nil {
		return nil, err
	}
	os, next := trimPage(os, page, func(o soko.OrderSummary) int64 { return o.ID })
	out := api.ConsoleOrderList{Data: make([]api.ConsoleOrderSummary, len(os)), NextCursor: next}
	for i, o := range os {
		out.Data[i] = api.ConsoleOrderSummary{
			Id: o.ID, OrderNo: o.Number, MerchantId: o.MerchantID, MerchantCode: o.MerchantCode, MerchantName: o.MerchantName,
			Status: api.OrderStatus(o.Status), RecipientName: o.RecipientName, Prefecture: o.Prefecture,
			Carrier: o.Carrier, CarrierName: carrierNameIn(langOf(ctx), o.Carrier), Units: o.Units, CreatedAt: apiTime(o.CreatedAt),
		}
		if o.HeldFrom != "" {
			out.Data[i].HeldFrom = ptr(api.OrderStatus(o.HeldFrom))
		}
	}
	return api.SearchConsoleOrders200JSONResponse(out), nil
}

// japaneseMidnight is the start of a calendar day in Japan.
func japaneseMidnight(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, soko.JST)
}

// GetConsoleOrder answers GET /ops/orders/{order_id}: the order page.
func (h apiHandlers) GetConsoleOrder(ctx context.Context, req api.GetConsoleOrderRequestObject) (api.GetConsoleOrderResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	v, err := h.store.OrderView(ctx, req.OrderId)
	if err != nil {
		return nil, err
	}
	out, err := h.withConsolidation(ctx, h.withPullForward(consoleOrderOut(v, langOf(ctx)), v.Order), v.Order)
	if err != nil {
		return nil, err
	}
	return api.GetConsoleOrder200JSONResponse(out), nil
}

// SuperviseOrder answers POST /ops/orders/{order_id}/actions: hold,
// release, cancel, put back, re-allocate, split or resolve a short, as the
// state machine allows; what it does not allow is a 409 naming the status.
func (h apiHandlers) SuperviseOrder(ctx context.Context, req api.SuperviseOrderRequestObject) (api.SuperviseOrderResponseObject, error) {
	sess, err := allow(ctx, soko.MenuConsole)
	if err != nil {
		return nil, err
	}
	// The console signs in without naming its PC: the history then says
	// the action came from the console.
	device := cmp.Or(sess.Device, "console")
	res := &soko.OrderCommandResult{}
	if done, err := h.superviseConsolidation(ctx, req.OrderId, req.Body, sess.Staff.ID, device); done {
		if err != nil {
			return nil, err
		}
	} else if soko.OrderAction(req.Body.Action) == soko.ActionPullForward {
		if _, err := h.store.PullForward(ctx, req.OrderId, sess.Staff.ID); err != nil {
			return nil, err
		}
	} else if res, err = h.store.SuperviseOrder(ctx, &soko.OrderCommand{
		OrderID: req.OrderId, Action: soko.OrderAction(req.Body.Action), StaffID: sess.Staff.ID, Device: device, Note: deref(req.Body.Note),
	}, h.rules); err != nil {
		return nil, err
	}
	v, err := h.store.OrderView(ctx, req.OrderId)
	if err != nil {
		return nil, err
	}
	order, err := h.withConsolidation(ctx, h.withPullForward(consoleOrderOut(v, langOf(ctx)), v.Order), v.Order)
	if err != nil {
		return nil, err
	}
	out := api.ConsoleOrderActionResult{Order: order}
	if res.NewOrderID != 0 {
		out.NewOrderId, out.NewOrderNo = &res.NewOrderID, &res.NewOrderNumber
	}
	return api.SuperviseOrder200JSONResponse(out), nil
}

// carrierNameIn names a carrier in the reader's language.
func carrierNameIn(lang, code string) string {
	c, ok := carrier.Find(code)
	if !ok {
		return code
	}
	return soko.Text{JA: c.Name, EN: c.NameEN}.In(lang)
}

func consoleOrderOut(v *soko.OrderView, lang string) api.ConsoleOrder {
	o, m, r := v.Order, v.Merchant, v.Order.Recipient
	id := strconv.FormatInt(o.ID, 10)
	out := api.ConsoleOrder{
		Id: o.ID, OrderNo: o.Number, Status: api.OrderStatus(o.Status),
		Merchant: api.ConsoleOrderMerchant{Id: m.ID, Code: m.Code, Name: m.Name, AllowPartial: m.AllowPartial},
		Carrier:  o.Carrier, CarrierName: carrierNameIn(lang, o.Carrier), Service: o.Service, ServiceName: o.Service,
		TimeSlot: string(o.TimeSlot), CodAmount: o.CODAmount, Priority: o.Priority, Note: o.Note,
		Gift:      giftOut(o.Gift),
		OrderedAt: apiTime(o.OrderedAt), CreatedAt: apiTime(o.CreatedAt), UpdatedAt: apiTime(o.UpdatedAt),
		Recipient: api.Address{
			Name: r.Name, Company: r.Company, PostalCode: r.PostalCode, Prefecture: r.Prefecture, City: r.City,
			Address1: r.Street, Address2: r.Building, Phone: r.Phone, Email: r.Email,
		},
		DocumentsUrl: "/ops/station/orders/" + id + "/documents.pdf",
		SlipA5Url:    "/ops/station/orders/" + id + "/slip.pdf?size=a5",
		Lines:        make([]api.ConsoleOrderLine, len(o.Lines)),
		Allocations:  make([]api.ConsoleOrderAllocation, len(v.Allocations)),
		Parcels:      make([]api.ConsoleOrderParcel, len(v.Parcels)),
		Prints:       make([]api.ConsoleOrderPrint, len(v.Prints)),
		Timeline:     make([]api.ConsoleOrderTimelineEntry, len(v.Timeline)),
		Actions:      make([]api.ConsoleOrderAction, len(v.Actions)),
	}
	c, known := carrier.Find(o.Carrier)
	if known {
		if s, ok := c.Service(o.Service); ok {
			out.ServiceName = soko.Text{JA: s.Name, EN: s.NameEN}.In(lang)
		}
	}
	if o.HeldFrom != "" {
		out.HeldFrom = ptr(api.OrderStatus(o.HeldFrom))
	}
	if o.Status == soko.OrderOnHold {
		out.Hold = &api.OrderHold{Reason: api.OrderHoldReason(cmp.Or(o.HoldReason, soko.HoldWarehouse)), Note: o.HoldNote}
	}
	if !o.ShipDate.IsZero() {
		out.ShipDate = &openapi_types.Date{Time: o.ShipDate}
	}
	if !o.DeliveryDate.IsZero() {
		out.DeliveryDate = &openapi_types.Date{Time: o.DeliveryDate}
	}
	allocated, picked := map[int64]int{}, map[int64]int{}
	for i, a := range v.Allocations {
		allocated[a.LineID] += a.Quantity
		picked[a.LineID] += a.Picked
		out.Allocations[i] = api.ConsoleOrderAllocation{Sku: a.SKU, Name: a.Name, Location: a.Location, Lot: a.Lot, Quantity: a.Quantity, Picked: a.Picked}
		if !a.Expiry.IsZero() {
			out.Allocations[i].Expiry = &openapi_types.Date{Time: a.Expiry}
		}
	}
	for i, l := range o.Lines {
		name := l.Name
		switch {
		case l.IsSet:
			name = soko.Text{JA: "【セット】", EN: "[set] "}.In(lang) + name
		case l.SetLineID != 0:
			name = "└ " + name
		}
		out.Lines[i] = api.ConsoleOrderLine{Sku: l.SKU, Name: name, Quantity: l.Quantity, Allocated: allocated[l.ID], Picked: picked[l.ID], Inspected: l.Inspected}
	}
	for i, p := range v.Parcels {
		out.Parcels[i] = api.ConsoleOrderParcel{Seq: p.Seq, Box: p.BoxType, WeightGrams: p.WeightGrams, Carrier: p.Carrier, LabelPrinted: p.LabelPrinted}
		if p.TrackingNumber != "" {
			out.Parcels[i].TrackingNumber = ptr(p.TrackingNumber)
			if known {
				if u := c.TrackingURL(p.TrackingNumber); u != "" {
					out.Parcels[i].TrackingUrl = ptr(u)
				}
			}
		}
		if p.ManifestID != 0 {
			out.Parcels[i].ManifestId = ptr(p.ManifestID)
		}
		if !p.HandedOverAt.IsZero() {
			out.Parcels[i].HandedOverAt = ptr(apiTime(p.HandedOverAt))
		}
	}
	for i, p := range v.Prints {
		out.Prints[i] = api.ConsoleOrderPrint{Document: api.ConsoleOrderPrintDocument(p.Document), Staff: p.StaffName, Reprint: p.Reprint, At: apiTime(p.At)}
	}
	for i, e := range v.Timeline {
		t := api.ConsoleOrderTimelineEntry{At: apiTime(e.At), Scan: e.Scan, Action: e.Action, Staff: e.StaffName, Device: e.Device,
			Code: e.Code, Result: e.Result, Message: e.Message, Detail: e.Detail}
		if e.From != "" {
			t.From = ptr(api.OrderStatus(e.From))
		}
		if e.To != "" {
			t.To = ptr(api.OrderStatus(e.To))
		}
		out.Timeline[i] = t
	}
	for i, a := range v.Actions {
		out.Actions[i] = api.ConsoleOrderAction(a)
	}
	return out
}

// withPullForward offers pull_forward on an order not yet picked whose
// planned ship date is after today.
func (h apiHandlers) withPullForward(out api.ConsoleOrder, o *soko.Order) api.ConsoleOrder {
	st := o.Status
	if st == soko.OrderOnHold {
		st = o.HeldFrom
	}
	waiting := st == soko.OrderReceived || st == soko.OrderBackordered || st == soko.OrderAllocated
	if waiting && o.ShipDate.After(soko.Day(h.now())) {
		out.Actions = append(out.Actions, api.ConsoleOrderAction(soko.ActionPullForward))
	}
	return out
}
