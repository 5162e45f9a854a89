/* Compiles every VM-exit ABI header with the kernel's freestanding flags;
 * the functions keep the inline helpers from being discarded unchecked. */
#include <vireo/devproto.h>
#include <vireo/vmexit.h>
#include <vireo/vmexit_map.h>
#include <vireo/x86/vmcb.h>
#include <vireo/x86/vmcs.h>

u32 vmx_abi_classify(u32 reason, u32 info);
u32 vmx_abi_classify(u32 reason, u32 info)
{
    return vireo_vmx_exit_class(reason, info);
}

u32 svm_abi_classify(u64 code, u64 info1);
u32 svm_abi_classify(u64 code, u64 info1)
{
    return vireo_svm_exit_class(code, info1);
}
