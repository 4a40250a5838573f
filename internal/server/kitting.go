package server

import (
	"context"
	"strings"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// kittingStore is what kitting (集合包装) needs: a supervisor's tasks, done
// on the handheld.
type kittingStore interface {
	CreateKittingTask(ctx context.Context, k *soko.KittingTask) error
	OpenKittingTasks(ctx context.Context) ([]*soko.KittingTask, error)
	KittingTask(ctx context.Context, id int64) (*soko.KittingTask, error)
	CompleteKitting(ctx context.Context, d *soko.KittingFinish) (*soko.KittingTask, error)
	CancelKittingTask(ctx context.Context, id, staffID int64) error
}

func kittingTaskOut(k *soko.KittingTask) api.KittingTask {
	out := api.KittingTask{Id: k.ID, MerchantId: k.MerchantID, MerchantCode: k.MerchantCode, Sku: k.SetSKU, Name: k.SetName,
		Barcodes: k.SetBarcodes, Quantity: k.Quantity, Location: k.Location, Status: api.KittingTaskStatus(k.Status),
		CreatedAt: apiTime(k.CreatedAt), Components: []api.KitComponent{}}
	if out.Barcodes == nil {
		out.Barcodes = []string{}
	}
	if k.Note != "" {
		out.Note = &k.Note
	}
	if !k.DoneAt.IsZero() {
		t := apiTime(k.DoneAt)
		out.DoneAt = &t
	}
	for _, c := range k.Components {
		oc := api.KitComponent{Sku: c.SKU, Name: c.Name, Barcodes: c.Barcodes, PerKit: c.PerKit, Quantity: c.Quantity}
		if oc.Barcodes == nil {
			oc.Barcodes = []string{}
		}
		oc.From = make([]struct {
			Free     int    `json:"free"`
			Location string `json:"location"`
		}, len(c.From))
		for i, f := range c.From {
			oc.From[i].Free, oc.From[i].Location = f.Free, f.Location
		}
		out.Components = append(out.Components, oc)
	}
	return out
}

// ListKittingTasks answers GET /ops/kitting-tasks.
func (h apiHandlers) ListKittingTasks(ctx context.Context, _ api.ListKittingTasksRequestObject) (api.ListKittingTasksResponseObject, error) {
	if _, err := allow(ctx, soko.MenuPutAway); err != nil {
		return nil, err
	}
	ks, err := h.store.OpenKittingTasks(ctx)
	if err != nil {
		return nil, err
	}
	out := api.ListKittingTasks200JSONResponse{}
	for _, k := range ks {
		out = append(out, kittingTaskOut(k))
	}
	return out, nil
}

// CreateKittingTask answers POST /ops/kitting-tasks.
func (h apiHandlers) CreateKittingTask(ctx context.Context, req api.CreateKittingTaskRequestObject) (api.CreateKittingTaskResponseObject, error) {
	sess, err := allow(ctx, soko.MenuConsole)
	if err != nil {
		return nil, err
	}
	b := req.Body
	m, err := h.store.MerchantByID(ctx, b.MerchantId)
	if err != nil {
		return nil, err
	}
	k := &soko.KittingTask{MerchantID: m.ID, MerchantCode: m.Code, SetSKU: strings.TrimSpace(b.Sku), Quantity: b.Quantity,
		Location: strings.TrimSpace(b.Location), Note: strings.TrimSpace(deref(b.Note)), CreatedBy: sess.Staff.ID}
	if err := h.store.CreateKittingTask(ctx, k); err != nil {
		return nil, spelled(err, langOf(ctx))
	}
	return api.CreateKittingTask201JSONResponse(kittingTaskOut(k)), nil
}

// GetKittingTask answers GET /ops/kitting-tasks/{kitting_task_id}.
func (h apiHandlers) GetKittingTask(ctx context.Context, req api.GetKittingTaskRequestObject) (api.GetKittingTaskResponseObject, error) {
	if _, err := allow(ctx, soko.MenuPutAway); err != nil {
		return nil, err
	}
	k, err := h.store.KittingTask(ctx, req.KittingTaskId)
	if err != nil {
		return nil, err
	}
	return api.GetKittingTask200JSONResponse(kittingTaskOut(k)), nil
}

// CompleteKittingTask answers POST /ops/kitting-tasks/{kitting_task_id}/complete.
func (h apiHandlers) CompleteKittingTask(ctx context.Context, req api.CompleteKittingTaskRequestObject) (api.CompleteKittingTaskResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPutAway)
	if err != nil {
		return nil, err
	}
	d := &soko.KittingFinish{TaskID: req.KittingTaskId, StaffID: sess.Staff.ID, Location: strings.TrimSpace(deref(req.Body.Location))}
	for _, p := range req.Body.Picks {
		d.Picks = append(d.Picks, soko.KitPick{SKU: p.Sku, Location: p.Location, Units: p.Units})
	}
	k, err := h.store.CompleteKitting(ctx, d)
	if err != nil {
		return nil, err
	}
	return api.CompleteKittingTask200JSONResponse(kittingTaskOut(k)), nil
}

// CancelKittingTask answers POST /ops/kitting-tasks/{kitting_task_id}/cancel.
func (h apiHandlers) CancelKittingTask(ctx context.Context, req api.CancelKittingTaskRequestObject) (api.CancelKittingTaskResponseObject, error) {
	sess, err := allow(ctx, soko.MenuConsole)
	if err != nil {
		return nil, err
	}
	if err := h.store.CancelKittingTask(ctx, req.KittingTaskId, sess.Staff.ID); err != nil {
		return nil, err
	}
	return api.CancelKittingTask204Response{}, nil
}

// consoleKittingWords are the words of the console's kitting section
// (セット組み).
var consoleKittingWords = map[string]soko.Text{
	"kit_kitting":       {JA: "セット組み", EN: "Kitting"},
	"kit_help":          {JA: "セット商品（集合包装）のキットを出荷前に組んでおく作業を作ります。作業はハンディで行い、構成品が棚から出てキットがセット商品の在庫になります。", EN: "Ask for kits of a set product to be assembled ahead of its orders. The work is done on the handheld: the components leave their shelves and the kits become the set's stock."},
	"kit_merchant":      {JA: "荷主", EN: "Merchant"},
	"kit_sku":           {JA: "セット商品のSKU", EN: "Set SKU"},
	"kit_name":          {JA: "商品名", EN: "Name"},
	"kit_quantity":      {JA: "キット数", EN: "Kits"},
	"kit_location":      {JA: "置き場所（棚）", EN: "Shelf location"},
	"kit_status":        {JA: "状態", EN: "Status"},
	"kit_created":       {JA: "作成日時", EN: "Created"},
	"kit_create":        {JA: "作業を作成", EN: "Create the task"},
	"kit_open":          {JA: "未完了の作業", EN: "Open tasks"},
	"kit_none":          {JA: "未完了のセット組み作業はありません", EN: "No open kitting tasks"},
	"kit_st_open":       {JA: "未完了", EN: "open"},
	"kit_st_done":       {JA: "完了", EN: "done"},
	"kit_st_cancelled":  {JA: "取消", EN: "cancelled"},
	"kit_cancel":        {JA: "取消", EN: "Cancel"},
	"kit_cancel_label":  {JA: "作業 #{id} を取り消す", EN: "Cancel task #{id}"},
	"kit_cancelled":     {JA: "作業 #{id}（{sku}）を取り消しました", EN: "Task #{id} ({sku}) cancelled"},
	"kit_created_msg":   {JA: "作業 #{id} を作成しました（{sku} を {n} キット）", EN: "Task #{id} created ({n} kits of {sku})"},
	"kit_need_merchant": {JA: "荷主を選んでください", EN: "Choose the merchant"},
	"kit_need_sku":      {JA: "セット商品のSKUを入力してください", EN: "Enter the set product's SKU"},
	"kit_bad_quantity":  {JA: "キット数は1〜10000の整数で入力してください", EN: "Enter the kits as a whole number from 1 to 10000"},
	"kit_need_location": {JA: "キットを置く棚のロケーションを入力してください", EN: "Enter the shelf the kits go to"},
}
