package server

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/address"
	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// shipDateStore is what ship dates and old holds need of the store.
type shipDateStore interface {
	soko.CalendarService
	ShipDates(ctx context.Context, now time.Time) ([]soko.ShipDateCount, error)
	AtRiskOrders(ctx context.Context, now time.Time, limit int) ([]soko.AtRiskOrder, error)
	PullForward(ctx context.Context, orderID, staffID int64) (*soko.Order, error)
	OldHolds(ctx context.Context, now time.Time) ([]soko.OldHold, error)
	SetHoldSettings(ctx context.Context, merchantID int64, days int, autoFree bool) (*soko.Merchant, error)
}

// holidaySource names where the public holiday rules come from, as the
// console shows it.
const holidaySource = "国民の祝日に関する法律（祝日法）・内閣府「国民の祝日について」に基づき規則で計算（春分・秋分は近似式）"

// transitNote says how the default transit days were made.
const transitNote = "既定値は地域ブロック間の距離からの概算です（翌日・翌々日の目安）。各社の公表するお届け日数表とは照合していません。実際の日数を入力してください。" +
	" / Defaults are approximations from the distance between regions; they were not checked against the carriers' tables. Enter the real days."

// planShipDate gives a new or changed order its planned ship date, the
// one the merchant set (sent) or one planned from the warehouse calendar,
// adding to bad what cannot be kept: a delivery date no carrier meets, a
// ship date in the past, on a closed day or too late.
func (h apiHandlers) planShipDate(ctx context.Context, o *soko.Order, sent *openapi_types.Date, bad *soko.Error, lang string) error {
	cal, err := h.store.ShipCalendar(ctx)
	if err != nil {
		return err
	}
	o.ShipDate = time.Time{}
	if sent != nil {
		o.ShipDate = soko.DateOf(sent.Time)
	}
	sd, p := cal.PlanShipDate(o, h.now())
	if p != nil {
		bad.WithField(p.Field, p.Message.In(lang))
		return nil
	}
	o.ShipDate = sd
	return nil
}

// GetShipCalendar answers GET /ops/ship-calendar.
func (h apiHandlers) GetShipCalendar(ctx context.Context, _ api.GetShipCalendarRequestObject) (api.GetShipCalendarResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	c, err := h.store.ShipCalendar(ctx)
	if err != nil {
		return nil, err
	}
	return api.GetShipCalendar200JSONResponse(h.calendarOut(c)), nil
}

func (h apiHandlers) calendarOut(c *soko.ShipCalendar) api.ShipCalendar {
	out := api.ShipCalendar{Prefecture: c.Prefecture, WorkingDays: c.WorkingDays[:], CutOff: soko.Clock(c.CutOff),
		PublicHolidaysOff: c.PublicHolidaysOff, CompanyHolidays: calendarDays(c.Holidays), HolidaySource: holidaySource}
	y := soko.Day(h.now()).Year()
	public := soko.JapaneseHolidays(y)
	for d, n := range soko.JapaneseHolidays(y + 1) {
		public[d] = n
	}
	out.PublicHolidays = calendarDays(public)
	return out
}

func calendarDays(days map[time.Time]string) []api.CalendarDay {
	out := make([]api.CalendarDay, 0, len(days))
	for d, name := range days {
		out = append(out, api.CalendarDay{Date: openapi_types.Date{Time: d}, Name: ptr(name)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Time.Before(out[j].Date.Time) })
	return out
}

// PutShipCalendar answers PUT /ops/ship-calendar.
func (h apiHandlers) PutShipCalendar(ctx context.Context, req api.PutShipCalendarRequestObject) (api.PutShipCalendarResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	in, lang := req.Body, langOf(ctx)
	bad := soko.Errorf(soko.EINVALID, "the calendar cannot be saved").JA("カレンダーを保存できません")
	c := &soko.ShipCalendar{Prefecture: in.Prefecture, PublicHolidaysOff: in.PublicHolidaysOff, Holidays: map[time.Time]string{}}
	if !slices.Contains(address.Prefectures, in.Prefecture) {
		bad.WithField("prefecture", soko.Text{JA: "都道府県名（例: 東京都）を入力してください", EN: "a prefecture's name, e.g. 東京都"}.In(lang))
	}
	working := false
	for i, w := range in.WorkingDays {
		if i < 7 {
			c.WorkingDays[i] = w
			working = working || w
		}
	}
	if !working {
		bad.WithField("working_days", soko.Text{JA: "稼働日を1日以上選んでください", EN: "choose at least one working day"}.In(lang))
	}
	cut, ok := soko.ParseClock(in.CutOff)
	if !ok {
		bad.WithField("cut_off", soko.Text{JA: "締め時刻は 15:00 の形で入力してください", EN: "the cut-off is a time such as 15:00"}.In(lang))
	}
	c.CutOff = cut
	for i, d := range in.CompanyHolidays {
		day := soko.DateOf(d.Date.Time)
		if _, dup := c.Holidays[day]; dup {
			bad.WithField(fmt.Sprintf("company_holidays[%d].date", i), soko.Text{JA: "同じ日付が2回あります", EN: "the date is there twice"}.In(lang))
		}
		c.Holidays[day] = deref(d.Name)
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	if err := h.store.SaveShipCalendar(ctx, c); err != nil {
		return nil, err
	}
	saved, err := h.store.ShipCalendar(ctx)
	if err != nil {
		return nil, err
	}
	return api.PutShipCalendar200JSONResponse(h.calendarOut(saved)), nil
}

// knownCarrier is the carrier of a path, or a 404 naming it.
func knownCarrier(code string) (*carrier.Carrier, error) {
	c, ok := carrier.Find(code)
	if !ok {
		return nil, soko.Errorf(soko.ENOTFOUND, "no carrier %q", code).JA("配送会社「%s」はありません", code)
	}
	return c, nil
}

func transitOut(c *soko.ShipCalendar, cr *carrier.Carrier, lang string) api.TransitTable {
	out := api.TransitTable{Carrier: cr.Code, CarrierName: cr.Name.In(lang), FromPrefecture: c.Prefecture, Note: transitNote}
	for _, pref := range address.Prefectures {
		days, set := c.Transit[cr.Code][pref]
		def := soko.DefaultTransitDays(c.Prefecture, pref)
		if !set {
			days = def
		}
		out.Rows = append(out.Rows, struct {
			Days        int    `json:"days"`
			DefaultDays int    `json:"default_days"`
			Prefecture  string `json:"prefecture"`
			Set         bool   `json:"set"`
		}{Days: days, DefaultDays: def, Prefecture: pref, Set: set})
	}
	return out
}

// GetTransitDays answers GET /ops/transit-days/{carrier}.
func (h apiHandlers) GetTransitDays(ctx context.Context, req api.GetTransitDaysRequestObject) (api.GetTransitDaysResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	cr, err := knownCarrier(req.Carrier)
	if err != nil {
		return nil, err
	}
	c, err := h.store.ShipCalendar(ctx)
	if err != nil {
		return nil, err
	}
	return api.GetTransitDays200JSONResponse(transitOut(c, cr, langOf(ctx))), nil
}

// PutTransitDays answers PUT /ops/transit-days/{carrier}.
func (h apiHandlers) PutTransitDays(ctx context.Context, req api.PutTransitDaysRequestObject) (api.PutTransitDaysResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	cr, err := knownCarrier(req.Carrier)
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	bad := soko.Errorf(soko.EINVALID, "the transit days cannot be saved").JA("輸送日数を保存できません")
	days := map[string]int{}
	for i, d := range req.Body.Days {
		switch {
		case !slices.Contains(address.Prefectures, d.Prefecture):
			bad.WithField(fmt.Sprintf("days[%d].prefecture", i), soko.Text{JA: "都道府県名ではありません", EN: "not a prefecture"}.In(lang))
		case d.Days < 0 || d.Days > soko.MaxTransitDays:
			bad.WithField(fmt.Sprintf("days[%d].days", i), soko.Text{JA: "0〜14日で入力してください", EN: "0 to 14 days"}.In(lang))
		default:
			days[d.Prefecture] = d.Days
		}
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	if err := h.store.SetTransitDays(ctx, cr.Code, days); err != nil {
		return nil, err
	}
	c, err := h.store.ShipCalendar(ctx)
	if err != nil {
		return nil, err
	}
	return api.PutTransitDays200JSONResponse(transitOut(c, cr, lang)), nil
}

// GetHoldSettings answers GET /api/v1/hold-settings.
func (h apiHandlers) GetHoldSettings(ctx context.Context, _ api.GetHoldSettingsRequestObject) (api.GetHoldSettingsResponseObject, error) {
	m, err := h.store.MerchantByID(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	return api.GetHoldSettings200JSONResponse{AlertDays: m.HoldAlertDays, AutoFree: m.HoldAutoFree}, nil
}

// PutHoldSettings answers PUT /api/v1/hold-settings.
func (h apiHandlers) PutHoldSettings(ctx context.Context, req api.PutHoldSettingsRequestObject) (api.PutHoldSettingsResponseObject, error) {
	m, err := h.store.SetHoldSettings(ctx, merchantOf(ctx), req.Body.AlertDays, req.Body.AutoFree)
	if err != nil {
		return nil, err
	}
	return api.PutHoldSettings200JSONResponse{AlertDays: m.HoldAlertDays, AutoFree: m.HoldAutoFree}, nil
}

// shipDatesOut adds the dashboard's ship dates, orders at risk and old
// holds.
func (h apiHandlers) shipDatesOut(ctx context.Context, out *api.Dashboard, lang string) error {
	now := h.now()
	counts, err := h.store.ShipDates(ctx, now)
	if err != nil {
		return err
	}
	out.ShipDates = make([]api.ShipDateCount, len(counts))
	for i, c := range counts {
		out.ShipDates[i] = api.ShipDateCount{Date: openapi_types.Date{Time: c.Date}, Overdue: c.Overdue, Orders: c.Orders, Waiting: c.Waiting, Released: c.Released}
	}
	risk, err := h.store.AtRiskOrders(ctx, now, 50)
	if err != nil {
		return err
	}
	out.AtRisk = make([]api.AtRiskOrder, len(risk))
	for i, r := range risk {
		a := api.AtRiskOrder{OrderId: r.OrderID, OrderNo: r.Number, MerchantCode: r.MerchantCode, Status: api.OrderStatus(r.Status),
			StatusLabel: statusLabel(lang, r.Status), CarrierName: carrierNameIn(lang, r.Carrier), Prefecture: r.Prefecture,
			ShipDate: openapi_types.Date{Time: r.ShipDate}, Link: fmt.Sprintf("#order/%d", r.OrderID)}
		if !r.DeliveryDate.IsZero() {
			a.DeliveryDate = &openapi_types.Date{Time: r.DeliveryDate}
		}
		out.AtRisk[i] = a
	}
	holds, err := h.store.OldHolds(ctx, now)
	if err != nil {
		return err
	}
	out.OldHolds = make([]api.OldHold, len(holds))
	for i, o := range holds {
		label := soko.Text{JA: o.Reason.Label(), EN: map[soko.HoldReason]string{soko.HoldPayment: "awaiting payment", soko.HoldMerchant: "held by the merchant"}[o.Reason]}.In(lang)
		out.OldHolds[i] = api.OldHold{OrderId: o.OrderID, OrderNo: o.Number, MerchantCode: o.MerchantCode, Reason: api.OldHoldReason(o.Reason),
			ReasonLabel: label, Note: o.Note, HeldSince: apiTime(o.HeldSince), Days: int(now.Sub(o.HeldSince) / (24 * time.Hour)),
			StockFreed: o.StockFreed, Link: fmt.Sprintf("#order/%d", o.OrderID)}
	}
	return nil
}

// shipDateWords are the words of the calendar section, the dashboard's
// ship dates and the order page's ship date.
var shipDateWords = map[string]soko.Text{
	"cal":                    {JA: "出荷カレンダー", EN: "Ship calendar"},
	"cal_help":               {JA: "出荷する曜日・締め時刻・会社休日と、配送会社ごとの輸送日数。出荷予定日はお届け希望日から輸送日数を引き、休業日を前にずらして決めます", EN: "Working days, cut-off, company holidays and each carrier's transit days. A ship date is the delivery date less the transit days, moved back over days off"},
	"cal_prefecture":         {JA: "倉庫の都道府県", EN: "Warehouse prefecture"},
	"cal_working_days":       {JA: "出荷する曜日", EN: "Working days"},
	"cal_sun":                {JA: "日", EN: "Sun"},
	"cal_mon":                {JA: "月", EN: "Mon"},
	"cal_tue":                {JA: "火", EN: "Tue"},
	"cal_wed":                {JA: "水", EN: "Wed"},
	"cal_thu":                {JA: "木", EN: "Thu"},
	"cal_fri":                {JA: "金", EN: "Fri"},
	"cal_sat":                {JA: "土", EN: "Sat"},
	"cal_cut_off":            {JA: "出荷締め時刻", EN: "Cut-off"},
	"cal_public_off":         {JA: "祝日は休業", EN: "Closed on public holidays"},
	"cal_company":            {JA: "会社休日", EN: "Company holidays"},
	"cal_none_company":       {JA: "会社休日はありません", EN: "No company holidays"},
	"cal_date":               {JA: "日付", EN: "Date"},
	"cal_name":               {JA: "名称", EN: "Name"},
	"cal_name_example":       {JA: "年末年始休業", EN: "New Year break"},
	"cal_add":                {JA: "追加", EN: "Add"},
	"cal_remove":             {JA: "削除", EN: "Remove"},
	"cal_save":               {JA: "カレンダーを保存", EN: "Save the calendar"},
	"cal_saved":              {JA: "カレンダーを保存しました。新しい注文から使います", EN: "Calendar saved: new orders use it"},
	"cal_transit":            {JA: "輸送日数（倉庫から各都道府県へ）", EN: "Transit days (from the warehouse)"},
	"cal_generic":            {JA: "その他", EN: "Other"},
	"cal_prefecture_to":      {JA: "お届け先", EN: "To"},
	"cal_days":               {JA: "日数", EN: "Days"},
	"cal_default":            {JA: "既定値", EN: "Default"},
	"cal_save_transit":       {JA: "輸送日数を保存", EN: "Save the transit days"},
	"cal_transit_saved":      {JA: "{carrier} の輸送日数を保存しました", EN: "{carrier}'s transit days saved"},
	"cal_public":             {JA: "祝日（今年と来年）", EN: "Public holidays (this year and next)"},
	"dash_ship_dates":        {JA: "出荷予定日別の注文", EN: "Orders by ship date"},
	"dash_ship_date":         {JA: "出荷予定日", EN: "Ship date"},
	"dash_overdue":           {JA: "遅延（予定日超過）", EN: "Overdue"},
	"dash_orders":            {JA: "注文", EN: "Orders"},
	"dash_waiting":           {JA: "未着手", EN: "Waiting"},
	"dash_in_work":           {JA: "作業中", EN: "In work"},
	"dash_no_ship_dates":     {JA: "出荷待ちの注文はありません", EN: "No orders waiting to ship"},
	"dash_at_risk":           {JA: "お届け日に間に合わない恐れ", EN: "At risk of missing their date"},
	"dash_no_at_risk":        {JA: "ありません", EN: "None"},
	"dash_at_risk_row":       {JA: "{merchant} · {status} · 出荷予定 {ship}{delivery}", EN: "{merchant} · {status} · ship {ship}{delivery}"},
	"dash_delivery_by":       {JA: " · お届け {date}", EN: " · deliver {date}"},
	"dash_old_holds":         {JA: "長期保留（入金待ちなど）", EN: "Long holds (awaiting payment…)"},
	"dash_no_old_holds":      {JA: "ありません", EN: "None"},
	"dash_old_hold_row":      {JA: "{merchant} · {reason} · {days}日経過{freed}", EN: "{merchant} · {reason} · {days} days{freed}"},
	"dash_stock_freed":       {JA: " · 引当解除済み", EN: " · stock freed"},
	"ord_ship_date":          {JA: "出荷予定日", EN: "Ship date"},
	"ord_do_pull_forward":    {JA: "本日出荷に前倒し", EN: "Pull forward to today"},
	"ord_why_pull_forward":   {JA: "出荷予定日を今日にして、次のウェーブでピッキングします", EN: "Make today the ship date so that the next wave picks it"},
	"ord_done_pull_forward":  {JA: "出荷予定日を今日にしました。次のウェーブでピッキングします", EN: "Ship date is today: the next wave picks it"},
	"ord_ev_pull_forward":    {JA: "出荷予定日を前倒し", EN: "pulled forward"},
	"ord_ev_free_held_stock": {JA: "保留期限超過で引当解除", EN: "held too long: stock freed"},
}
