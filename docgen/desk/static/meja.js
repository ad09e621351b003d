// Live progress of a desk batch: ask for the counts once a second until the batch ends.
(function () {
  "use strict";
  var box = document.getElementById("batch");
  if (!box) { return; }
  function fill(list, items, link) {
    list.textContent = "";
    items.forEach(function (text) {
      var li = document.createElement("li");
      if (link) {
        var a = document.createElement("a");
        a.href = box.dataset.laporan + encodeURIComponent(text);
        a.textContent = text;
        li.appendChild(a);
      } else {
        li.textContent = text;
      }
      list.appendChild(li);
    });
  }
  function ask() {
    fetch(box.dataset.status, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var bar = document.getElementById("kemajuan");
        bar.max = s.total || 1;
        bar.value = s.done;
        document.getElementById("angka").textContent = s.done + " / " + s.total;
        document.getElementById("keadaan").textContent = s.state;
        document.getElementById("keterangan").textContent = s.message;
        fill(document.getElementById("baris-salah"), s.bad, false);
        fill(document.getElementById("laporan"), s.report, true);
        if (s.state === "berjalan") { setTimeout(ask, 1000); }
      })
      .catch(function () { setTimeout(ask, 3000); });
  }
  ask();
}());
