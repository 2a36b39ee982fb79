{
  "variables": {
    # 1 when scripts/build-native.mjs found libdeflate (it passes --libdeflate=1): the addon then also gunzips.
    "libdeflate%": 0
  },
  "targets": [
    {
      "target_name": "scan",
      "sources": ["scan.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions"],
      "cflags_cc!": ["-O2", "-O1", "-Os"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] },
      "conditions": [
        ["libdeflate==1", { "defines": ["IOT_AUDIT_LIBDEFLATE"], "libraries": ["-ldeflate"] }]
      ]
    }
  ]
}
