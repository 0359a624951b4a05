(function() {
  // src/taskpane/support.js
  (function() {
    var win = (
      /** @type {any} */
      window
    );
    var MESSAGES = {
      nb: "Denne versjonen av Word kan ikke vise docplan-tillegget. Det virker i Microsoft 365 (Word for Windows og Mac), Word 2021 eller nyere, og Word på nettet. Kontakt IT-avdelingen hvis du trenger hjelp.",
      nn: "Denne versjonen av Word kan ikkje vise docplan-tillegget. Det verkar i Microsoft 365 (Word for Windows og Mac), Word 2021 eller nyare, og Word på nettet. Kontakt IT-avdelinga om du treng hjelp."
    };
    function language() {
      try {
        return window.localStorage && window.localStorage.getItem("docplan.lang") === "nn" ? "nn" : "nb";
      } catch (e) {
        return "nb";
      }
    }
    function unsupported() {
      if (win.docplanStarted) return;
      var text = document.getElementById("boot-text");
      if (text) text.innerHTML = "";
      if (text) text.appendChild(document.createTextNode(MESSAGES[language()]));
      var notice = document.getElementById("boot");
      if (notice) notice.className = "notice error";
    }
    if (win.addEventListener) win.addEventListener("load", unsupported, false);
    else if (win.attachEvent) win.attachEvent("onload", unsupported);
  })();
})();
