import CZlib
import CPNG
import CJPEG
let zlibVersionString = String(cString: zlibVersion())
