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
var consoleOrderWords = map[string]soko.Text{
	"ord_orders":              {JA: "注文", EN: "Orders"},
	"ord_orders_help":         {JA: "注文番号（前方一致）・荷主・お客様名（部分一致）・送り状番号・状態・受注日で探します。新しい注文から表示します。", EN: "Find orders by number (its beginning), merchant, customer (any part of the name), tracking number, status and the day they came in. Newest first."},
	"ord_number":              {JA: "注文番号", EN: "Order number"},
	"ord_merchant":            {JA: "荷主", EN: "Merchant"},
	"ord_customer":            {JA: "お客様名", EN: "Customer"},
	"ord_tracking":            {JA: "送り状番号", EN: "Tracking number"},
	"ord_status":              {JA: "状態", EN: "Status"},
	"ord_from":                {JA: "受注日（から）", EN: "Created from"},
	"ord_to":                  {JA: "受注日（まで）", EN: "Created until"},
	"ord_all":                 {JA: "すべて", EN: "All"},
	"ord_search":              {JA: "検索", EN: "Search"},
	"ord_clear":               {JA: "条件をクリア", EN: "Clear"},
	"ord_more":                {JA: "さらに表示", EN: "Show more"},
	"ord_none":                {JA: "該当する注文はありません", EN: "No orders found"},
	"ord_shown":               {JA: "{n}件を表示しています", EN: "{n} orders shown"},
	"ord_prefecture":          {JA: "都道府県", EN: "Prefecture"},
	"ord_shipping":            {JA: "配送", EN: "Shipping"},
	"ord_units":               {JA: "点数", EN: "Units"},
	"ord_created":             {JA: "受注日時", EN: "Created"},
	"ord_bad_range":           {JA: "受注日の範囲が逆です（から ≦ まで）", EN: "The dates are the wrong way round"},
	"ord_st_received":         {JA: "受注", EN: "received"},
	"ord_st_backordered":      {JA: "入荷待ち", EN: "backordered"},
	"ord_st_allocated":        {JA: "引当済", EN: "allocated"},
	"ord_st_picking":          {JA: "ピッキング中", EN: "picking"},
	"ord_st_short":            {JA: "欠品", EN: "short"},
	"ord_st_picked":           {JA: "ピッキング済", EN: "picked"},
	"ord_st_inspected":        {JA: "検品済", EN: "inspected"},
	"ord_st_packed":           {JA: "梱包済", EN: "packed"},
	"ord_st_labeled":          {JA: "送り状発行済", EN: "labeled"},
	"ord_st_shipped":          {JA: "出荷済", EN: "shipped"},
	"ord_st_on_hold":          {JA: "保留", EN: "on hold"},
	"ord_st_cancel_requested": {JA: "キャンセル依頼", EN: "cancel requested"},
	"ord_st_cancelled":        {JA: "キャンセル", EN: "cancelled"},

	"ord_title":                {JA: "注文 {number}", EN: "Order {number}"},
	"ord_back":                 {JA: "注文一覧へ", EN: "Back to the orders"},
	"ord_held_from":            {JA: "（{status}で保留）", EN: " (held while {status})"},
	"ord_hold":                 {JA: "保留の理由", EN: "Held"},
	"ord_hold_payment_pending": {JA: "入金待ち（荷主がAPIで解除）", EN: "waiting for payment (the merchant releases it)"},
	"ord_hold_merchant":        {JA: "荷主による保留（荷主がAPIで解除）", EN: "held by the merchant (the merchant releases it)"},
	"ord_hold_warehouse":       {JA: "倉庫による保留", EN: "held by the warehouse"},
	"ord_delivery":             {JA: "お届け希望", EN: "Delivery"},
	"ord_none_asked":           {JA: "指定なし", EN: "none"},
	"ord_cod":                  {JA: "代金引換", EN: "Cash on delivery"},
	"ord_no":                   {JA: "なし", EN: "none"},
	"ord_yen":                  {JA: "{n}円", EN: "¥{n}"},
	"ord_gift":                 {JA: "ギフト", EN: "Gift"},
	"ord_gift_wrap":            {JA: "ギフト包装", EN: "wrapped"},
	"ord_gift_hide":            {JA: "金額非表示", EN: "prices hidden"},
	"ord_wrapping_paper":       {JA: "包装紙", EN: "paper"},
	"ord_wrapping_bag":         {JA: "ラッピング袋", EN: "bag"},
	"ord_wrapping_box":         {JA: "化粧箱", EN: "gift box"},
	"ord_noshi_inner":          {JA: "内のし", EN: "noshi under the wrapping:"},
	"ord_noshi_outer":          {JA: "外のし", EN: "noshi over the wrapping:"},
	"ord_gift_message":         {JA: "メッセージ：{message}", EN: "message: {message}"},
	"ord_priority":             {JA: "優先度", EN: "Priority"},
	"ord_note":                 {JA: "備考", EN: "Note"},
	"ord_ordered":              {JA: "注文日時", EN: "Ordered"},
	"ord_recipient":            {JA: "お届け先", EN: "Ship to"},
	"ord_lines":                {JA: "明細", EN: "Lines"},
	"ord_sku":                  {JA: "SKU", EN: "SKU"},
	"ord_name":                 {JA: "商品名", EN: "Product"},
	"ord_qty":                  {JA: "数量", EN: "Qty"},
	"ord_allocated":            {JA: "引当", EN: "Allocated"},
	"ord_picked":               {JA: "ピッキング済", EN: "Picked"},
	"ord_inspected":            {JA: "検品済", EN: "Inspected"},
	"ord_allocations":          {JA: "引当在庫", EN: "Allocated stock"},
	"ord_location":             {JA: "ロケーション", EN: "Location"},
	"ord_lot":                  {JA: "ロット", EN: "Lot"},
	"ord_expiry":               {JA: "賞味期限", EN: "Best before"},
	"ord_no_allocations":       {JA: "引き当てた在庫はありません", EN: "No stock allocated"},
	"ord_parcels":              {JA: "荷物", EN: "Parcels"},
	"ord_parcel":               {JA: "個口", EN: "Parcel"},
	"ord_box":                  {JA: "箱", EN: "Box"},
	"ord_weight":               {JA: "重量", EN: "Weight"},
	"ord_grams":                {JA: "{n} g", EN: "{n} g"},
	"ord_handed_over":          {JA: "荷渡し", EN: "Handed over"},
	"ord_manifest":             {JA: "集荷", EN: "Pickup"},
	"ord_no_parcels":           {JA: "まだ梱包されていません", EN: "Not packed yet"},
	"ord_documents":            {JA: "帳票", EN: "Documents"},
	"ord_reprint":              {JA: "納品書・送り状を印刷（PDF）", EN: "Print the slip and labels (PDF)"},
	"ord_slip_a5":              {JA: "納品書 A5（PDF）", EN: "Packing slip, A5 (PDF)"},
	"ord_prints":               {JA: "印刷履歴", EN: "Print log"},
	"ord_no_prints":            {JA: "まだ印刷されていません", EN: "Never printed"},
	"ord_doc_slip":             {JA: "納品書", EN: "packing slip"},
	"ord_doc_label":            {JA: "送り状", EN: "label"},
	"ord_doc_pick_list":        {JA: "ピッキングリスト", EN: "pick list"},
	"ord_doc_handover":         {JA: "集荷明細", EN: "handover list"},
	"ord_reprinted":            {JA: "再印刷", EN: "reprint"},
	"ord_first_print":          {JA: "初回", EN: "first"},
	"ord_timeline":             {JA: "履歴（日本時間）", EN: "History (Japan time)"},
	"ord_time":                 {JA: "日時", EN: "Time"},
	"ord_what":                 {JA: "内容", EN: "What"},
	"ord_who":                  {JA: "担当", EN: "Who"},
	"ord_device":               {JA: "端末", EN: "Device"},
	"ord_detail":               {JA: "詳細", EN: "Detail"},
	"ord_system":               {JA: "システム", EN: "system"},
	"ord_scan":                 {JA: "スキャン：{step}", EN: "Scan: {step}"},
	"ord_scan_ok":              {JA: "OK", EN: "OK"},
	"ord_scan_refused":         {JA: "拒否", EN: "refused"},

	"ord_ev_create":           {JA: "受注", EN: "received"},
	"ord_ev_allocate":         {JA: "引当", EN: "allocated"},
	"ord_ev_backorder":        {JA: "入荷待ち", EN: "backordered"},
	"ord_ev_release_wave":     {JA: "ウェーブ発行", EN: "wave released"},
	"ord_ev_pick":             {JA: "ピッキング完了", EN: "picked"},
	"ord_ev_short_pick":       {JA: "欠品", EN: "short"},
	"ord_ev_reallocate":       {JA: "再引当", EN: "re-allocated"},
	"ord_ev_resolve_short":    {JA: "欠品解決", EN: "short resolved"},
	"ord_ev_split":            {JA: "分割出荷", EN: "split"},
	"ord_ev_inspect":          {JA: "検品完了", EN: "inspected"},
	"ord_ev_reset_inspection": {JA: "検品やり直し", EN: "inspection reset"},
	"ord_ev_pack":             {JA: "梱包", EN: "packed"},
	"ord_ev_label":            {JA: "送り状発行", EN: "labeled"},
	"ord_ev_ship":             {JA: "出荷", EN: "shipped"},
	"ord_ev_cancel":           {JA: "キャンセル", EN: "cancelled"},
	"ord_ev_request_cancel":   {JA: "キャンセル依頼", EN: "cancel requested"},
	"ord_ev_put_back":         {JA: "戻し入れ", EN: "put back"},
	"ord_ev_hold":             {JA: "保留", EN: "held"},
	"ord_ev_release_hold":     {JA: "保留解除", EN: "released from hold"},
	"ord_ev_email_skipped":    {JA: "発送メールなし", EN: "no shipment email"},
	"ord_step_receive":        {JA: "入荷", EN: "receive"},
	"ord_step_put_away":       {JA: "棚入れ", EN: "put away"},
	"ord_step_count":          {JA: "棚卸", EN: "count"},
	"ord_step_pick":           {JA: "ピッキング", EN: "pick"},
	"ord_step_short_pick":     {JA: "欠品報告", EN: "short pick"},
	"ord_step_inspect":        {JA: "検品", EN: "inspect"},
	"ord_step_handover":       {JA: "荷渡し", EN: "handover"},
	"ord_step_return":         {JA: "返品受付", EN: "return"},

	"ord_actions":            {JA: "操作", EN: "Actions"},
	"ord_actions_help":       {JA: "今の状態でできる操作だけが表示されます。メモは履歴に残ります。", EN: "Only what the order's status allows is offered. The note is kept in the history."},
	"ord_no_actions":         {JA: "この状態でできる操作はありません", EN: "Nothing can be done in this status"},
	"ord_note_label":         {JA: "メモ（任意）", EN: "Note (optional)"},
	"ord_do_hold":            {JA: "保留にする", EN: "Hold"},
	"ord_do_release_hold":    {JA: "保留を解除", EN: "Release the hold"},
	"ord_do_reallocate":      {JA: "再引当", EN: "Re-allocate"},
	"ord_do_resolve_short":   {JA: "欠品解決", EN: "Resolve the short"},
	"ord_do_split":           {JA: "分割出荷", EN: "Split"},
	"ord_do_cancel":          {JA: "キャンセル", EN: "Cancel"},
	"ord_do_put_back":        {JA: "戻し入れ", EN: "Put back"},
	"ord_why_reallocate":     {JA: "欠品分・入荷待ちの分を、棚卸待ちでない棚から今すぐ引き当てます", EN: "Allocate what is missing now, from shelves not waiting for a count"},
	"ord_why_resolve_short":  {JA: "欠品した棚の棚卸のあと、見つかった在庫で引き当て直します", EN: "After the short shelf was counted, allocate again from what was found"},
	"ord_why_split":          {JA: "ピッキング済みの分を出荷し、欠品分は新しい注文（入荷待ち）にします", EN: "Ship what was picked; the missing units become a new, backordered order"},
	"ord_why_put_back":       {JA: "ピッキング済みの商品を元の棚に戻し、キャンセルを完了します", EN: "Return the picked units to their shelves and finish the cancellation"},
	"ord_confirm":            {JA: "もう一度押すと「{action}」を実行します", EN: "Press again to {action}"},
	"ord_done_hold":          {JA: "注文 {number} を保留にしました", EN: "Order {number} is on hold"},
	"ord_done_release_hold":  {JA: "保留を解除しました（{status}）", EN: "Released from hold ({status})"},
	"ord_done_reallocate":    {JA: "再引当しました（{status}）。次のウェーブでピッキングします", EN: "Re-allocated ({status}); the next wave picks it"},
	"ord_done_resolve_short": {JA: "欠品を解決しました（{status}）。次のウェーブでピッキングします", EN: "Short resolved ({status}); the next wave picks it"},
	"ord_done_split":         {JA: "分割しました。欠品分は注文 {new}（入荷待ち）で出荷します", EN: "Split: the missing units ship as order {new} (backordered)"},
	"ord_done_cancel":        {JA: "キャンセルしました（{status}）", EN: "Cancelled ({status})"},
	"ord_done_put_back":      {JA: "戻し入れしました。注文はキャンセル済みです", EN: "Put back; the order is cancelled"},
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
	return c.Name.In(lang)
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
			out.ServiceName = s.Name.In(lang)
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
